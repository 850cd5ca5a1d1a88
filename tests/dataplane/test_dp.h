/* SPDX-License-Identifier: BSD-3-Clause */
/* Suites of the dataplane test runner. */
#ifndef _TEST_DP_H_
#define _TEST_DP_H_

#include <stdio.h>

#include "wt.h"

int test_dp_arp_register(void);
int test_dp_ip_register(void);
int test_dp_udp_input_register(void);
int test_dp_sock_ring_register(void);

#endif /* _TEST_DP_H_ */
