/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TEMPORARY stand-in for the policy branch's wsp_policy.c, so that the OS
 * provider handoff can be built and tested before the merge: only the
 * per-process switch, WSPDK_ACCELERATE=0 opts out.
 */
#include <stdio.h>
#include <string.h>

#include "wsp_os.h"
#include "wsp_policy.h"

bool
wsp_policy_accelerated(char *why, size_t why_len)
{
	const char *v = wsp_getenv("WSPDK_ACCELERATE");

	if (v != NULL && strcmp(v, "0") == 0) {
		snprintf(why, why_len, "accelerated: no, WSPDK_ACCELERATE=0");
		return false;
	}
	snprintf(why, why_len, "accelerated: yes, no policy (stand-in)");
	return true;
}
