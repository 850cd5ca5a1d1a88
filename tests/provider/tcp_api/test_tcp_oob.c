/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Urgent ("OOB") data is not offered (tcp-notes §1.10: RFC 6093 says
 * applications SHOULD NOT use it; Microsoft's "Protocol-Independent
 * Out-of-Band Data" page discourages it): the catalog entry has no
 * XP1_EXPEDITED_DATA (test_tcp_socket.c checks the flags), MSG_OOB
 * fails WSAEOPNOTSUPP (send's and recv's pages: OOB data not supported
 * in this socket's domain; test_tcp_data.c, test_tcp_options.c),
 * SO_OOBINLINE is an option this provider does not support
 * (WSAENOPROTOOPT, getsockopt's and setsockopt's pages), and SIOCATMARK
 * always says TRUE, "no OOB data waiting" (ioctlsocket's page), even
 * with data queued: urgent data from a peer is delivered in line, in
 * order (tcp_kernel's urg_inline case).
 */
#include "wt.h"
#include "tcp_api.h"

static void
test_so_oobinline_unsupported_enoprotoopt(void)
{
	SOCKET c, s;
	int v = 1, len = sizeof(v);

	ta_pair(&c, &s);
	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_OOBINLINE, (char *)&v,
		sizeof(v)), WSAENOPROTOOPT);
	PT_FAILS(getsockopt(s, SOL_SOCKET, SO_OOBINLINE, (char *)&v, &len),
		WSAENOPROTOOPT);
	pt_close(c);
	pt_close(s);
}

static void
test_siocatmark_true_with_data_queued(void)
{
	SOCKET c, s;
	u_long mark = 0, q = 0;

	ta_pair(&c, &s);
	PT_OK(ioctlsocket(s, SIOCATMARK, &mark));
	CU_ASSERT_EQUAL(mark, TRUE);
	ta_send_all(c, "data", 4);
	for (int i = 0; i < 100 && q < 4; i++) {
		wt_sleep_ms(10);
		PT_OK(ioctlsocket(s, FIONREAD, &q));
	}
	mark = 0;
	PT_OK(ioctlsocket(s, SIOCATMARK, &mark));
	CU_ASSERT_EQUAL(mark, TRUE);
	pt_close(c);
	pt_close(s);
}

static const struct wt_test oob_tests[] = {
	WT_TEST(test_so_oobinline_unsupported_enoprotoopt),
	WT_TEST(test_siocatmark_true_with_data_queued),
	WT_TEST_END
};

const struct wt_suite test_tcp_oob_suite = {
	.name = "tcp_oob",
	.clean = pt_suite_clean,
	.tests = oob_tests,
};
