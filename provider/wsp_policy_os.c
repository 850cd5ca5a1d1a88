/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The machine policy's reader: the OS seam's policy text, the process's
 * image path and WSPDK_ACCELERATE into wsp_policy_decide. Anything that
 * goes wrong here is a reason not to accelerate, logged, never a failure:
 * the OS provider still serves the process.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wsp_log.h"
#include "wsp_os.h"
#include "wsp_policy.h"

#ifdef _WIN32
#define POLICY_ICASE	true
#else
#define POLICY_ICASE	false
#endif

bool
wsp_policy_accelerated(char *why, size_t why_len)
{
	struct wsp_policy_in in = {
		.env = wsp_getenv("WSPDK_ACCELERATE"),
		.icase = POLICY_ICASE,
	};
	char image[WSP_POLICY_LINE_MAX + 1], err[160];
	char *text = NULL;
	size_t len = 0;
	bool ret;
	int r;

	r = wsp_os_policy_read(&text, &len, WSP_POLICY_MAX_BYTES + 1,
		&in.where, err, sizeof(err));
	if (r < 0) {
		snprintf(why, why_len, "accelerated: no, %s: %s (the OS "
			"provider serves this process)", in.where, err);
		WSP_LOG(ERR, "policy: %s", why);
		return false;
	}
	in.text = r > 0 ? (text != NULL ? text : "") : NULL;
	in.len = len;
	if (in.text != NULL &&
			!wsp_policy_check(in.text, len, in.where, err, sizeof(err)))
		WSP_LOG(ERR, "policy: %s: not accelerated, the OS provider "
			"serves this process", err);
	if (wsp_os_image_path(image, sizeof(image)) == 0)
		in.image = image;
	ret = wsp_policy_decide(&in, why, why_len);
	free(text);
	return ret;
}
