/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_policy.h: which processes wspdk accelerates (issue 15, README "Opt-in
 * and the OS path"). A process that is not accelerated gets the OS
 * provider and never starts DPDK.
 *
 * The machine policy is a short text, one rule a line:
 *
 *   # comment (a line whose first non-blank character is #)
 *   default = allow | deny        processes no rule names (deny if absent)
 *   env_override = yes | no       may WSPDK_ACCELERATE=1 add a process the
 *                                 default denies (no if absent)
 *   allow <full path | image name>
 *   deny <full path | image name>  beats allow; WSPDK_ACCELERATE cannot
 *                                 override it
 *
 * A pattern with a / or \ is a full path, else an image name (the last
 * path component). / and \ are the same character; on Windows the match
 * ignores ASCII case and a \\?\ prefix. No machine policy at all: every
 * process is accelerated (a development box, CI). WSPDK_ACCELERATE=0
 * always opts a process out. A broken policy (any line in error) or a
 * WSPDK_ACCELERATE other than 0 or 1 means "not accelerated", with the
 * reason: never a failed WSPStartup.
 *
 * Linux: the file /etc/wspdk/policy.conf (WSPDK_POLICY_FILE names another,
 * for tests). Windows: HKLM\SOFTWARE\wspdk\Policy, value Rules, a
 * REG_MULTI_SZ with one rule a string (wspdk-install --policy-* writes it).
 */
#ifndef _WSP_POLICY_H_
#define _WSP_POLICY_H_

#include <stdbool.h>
#include <stddef.h>

/** Longest policy accepted, in bytes: a policy is a short list. */
#define WSP_POLICY_MAX_BYTES	(256 * 1024)
/** Longest line, in bytes, terminator excluded. */
#define WSP_POLICY_LINE_MAX	4096

/** Everything the decision depends on; no I/O behind it. */
struct wsp_policy_in {
	const char *text;	/**< the machine policy; NULL: there is none */
	size_t len;		/**< its bytes (may hold NULs: an error) */
	const char *where;	/**< its name in messages */
	const char *image;	/**< the process's full path; NULL: unknown */
	const char *env;	/**< WSPDK_ACCELERATE; NULL: unset */
	bool icase;		/**< match ignoring ASCII case (Windows) */
};

/**
 * The verdict for one process. why (NUL-terminated, truncated to
 * why_len) gets one line: "accelerated: yes, ..." or "accelerated:
 * no, ...", parse errors as "WHERE:LINE: what was expected".
 */
bool wsp_policy_decide(const struct wsp_policy_in *in, char *why,
		size_t why_len);

/**
 * Whether text is a valid policy; err gets the first error
 * ("WHERE:LINE: ...") when not. For the installer, before it writes.
 */
bool wsp_policy_check(const char *text, size_t len, const char *where,
		char *err, size_t err_len);

/* Whether this process is accelerated; why is filled with a one-line
 * reason ("accelerated: yes, /usr/bin/app listed in /etc/wspdk/policy.conf"
 * or "accelerated: no, ..."). Reads the machine policy and WSPDK_ACCELERATE. */
bool wsp_policy_accelerated(char *why, size_t why_len);

#endif /* _WSP_POLICY_H_ */
