/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_policy.h: whether this process is accelerated (issue #15 item 1).
 */
#ifndef _WSP_POLICY_H_
#define _WSP_POLICY_H_

#include <stdbool.h>
#include <stddef.h>

/* Whether this process is accelerated; why is filled with a one-line
 * reason ("accelerated: yes, /usr/bin/app listed in /etc/wspdk/policy.conf"
 * or "accelerated: no, ..."). Reads the machine policy and WSPDK_ACCELERATE. */
bool wsp_policy_accelerated(char *why, size_t why_len);

#endif /* _WSP_POLICY_H_ */
