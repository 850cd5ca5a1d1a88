/* SPDX-License-Identifier: BSD-3-Clause */
/* Suites of the dataplane test runner. */
#ifndef _TEST_DP_H_
#define _TEST_DP_H_

#include <stdio.h>

#include "wt.h"
#include "wt_run.h"

extern const struct wt_suite test_dp_arp_suite;
extern const struct wt_suite test_dp_ip_suite;
extern const struct wt_suite test_dp_udp_input_suite;
extern const struct wt_suite test_dp_sock_ring_suite;

#endif /* _TEST_DP_H_ */
