/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the machine policy's parser (provider/wsp_policy.c),
 * which reads a file or registry value an administrator wrote.
 *
 * Input: one byte of flags (bit 0 icase, bits 1-2 WSPDK_ACCELERATE unset,
 * "0", "1" or "x", bit 3 no image path, bit 4 no policy), then the image path
 * up to the first NUL, then the policy text (the rest, NULs included).
 * The text is a heap block of exactly its length, so a read past it is
 * caught.
 *
 * Oracles beyond the sanitizers: the reason is one terminated line that
 * says the verdict; a policy wsp_policy_check refuses is never
 * accelerated and its reason names the error; WSPDK_ACCELERATE=0 is never
 * accelerated; no policy and no opt-out is always accelerated; the
 * verdict is the same with a reason buffer of one byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_in.h"
#include "wsp_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const envs[] = { NULL, "0", "1", "x" };
	struct wsp_policy_in in = { .where = "fuzz.conf" };
	char why[600], tiny[1], err[300], img[256];
	const uint8_t *nul;
	uint8_t flags;
	size_t ilen;
	char *text;
	bool ok, valid;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	nul = memchr(data, '\0', size);
	ilen = nul != NULL ? (size_t)(nul - data) : size;
	if (ilen >= sizeof(img))
		ilen = sizeof(img) - 1;
	memcpy(img, data, ilen);
	img[ilen] = '\0';
	if (nul != NULL) {
		size -= (size_t)(nul - data) + 1;
		data = nul + 1;
	} else {
		size = 0;
	}
	text = malloc(size > 0 ? size : 1);
	if (text == NULL)
		fa_die("out of memory");
	memcpy(text, data, size);
	in.text = (flags & 0x10) != 0 ? NULL : text;
	in.len = size;
	in.icase = (flags & 1) != 0;
	in.env = envs[(flags >> 1) & 3];
	in.image = (flags & 8) != 0 ? NULL : img;

	ok = wsp_policy_decide(&in, why, sizeof(why));
	if (memchr(why, '\0', sizeof(why)) == NULL)
		fa_die("reason not terminated");
	if (strchr(why, '\n') != NULL)
		fa_die("reason of more than one line: %s", why);
	if (strncmp(why, ok ? "accelerated: yes, " : "accelerated: no, ",
			ok ? 18 : 17) != 0)
		fa_die("verdict %d but reason %s", ok, why);
	if (wsp_policy_decide(&in, tiny, sizeof(tiny)) != ok || tiny[0] != 0)
		fa_die("verdict depends on the reason's buffer");
	if (in.env != NULL && strcmp(in.env, "0") == 0 && ok)
		fa_die("accelerated although opted out: %s", why);
	if (in.text == NULL && in.env == NULL && !ok)
		fa_die("no policy but not accelerated: %s", why);
	valid = wsp_policy_check(text, size, in.where, err, sizeof(err));
	if (in.text != NULL && !valid && (ok || strstr(why, err) == NULL))
		fa_die("broken policy (%s) but %s", err, why);
	if (valid && err[0] != '\0')
		fa_die("valid policy with an error: %s", err);
	free(text);
	return 0;
}
