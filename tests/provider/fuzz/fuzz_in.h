/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the provider's fuzzers share: reading the input, and dying with a
 * reason libFuzzer keeps beside the crashing input.
 */
#ifndef _FUZZ_IN_H_
#define _FUZZ_IN_H_

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline void __attribute__((format(printf, 1, 2), noreturn))
fa_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* The input, consumed front to back; reads past its end give zeros. */
struct fa_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t
fa_u8(struct fa_in *in)
{
	uint8_t v = 0;

	if (in->n > 0) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t
fa_u16(struct fa_in *in)
{
	return (uint16_t)(fa_u8(in) | fa_u8(in) << 8);
}

static inline uint32_t
fa_u32(struct fa_in *in)
{
	return (uint32_t)fa_u16(in) | (uint32_t)fa_u16(in) << 16;
}

/* Copy up to len input bytes into dst (the rest of dst zeroed). */
static inline void
fa_bytes(struct fa_in *in, void *dst, size_t len)
{
	size_t n = len < in->n ? len : in->n;
	uint8_t *d = dst;

	for (size_t i = 0; i < len; i++)
		d[i] = i < n ? in->p[i] : 0;
	in->p += n;
	in->n -= n;
}

#endif /* _FUZZ_IN_H_ */
