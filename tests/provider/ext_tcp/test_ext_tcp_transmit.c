/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TransmitPackets and TransmitFile for memory buffers: every byte
 * arrives, in element order, the completion reports them all;
 * TF_DISCONNECT ends the stream after them; files are not served on the
 * stand-in (WSAEOPNOTSUPP); malformed elements and flags fail.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ext_tcp.h"

#define N_EL	5

static WSAOVERLAPPED ov1;
static const ULONG sizes[N_EL] = { 1, 1000, 70000, 3, 20000 };
static char *bufs[N_EL];

static DWORD
fill(TRANSMIT_PACKETS_ELEMENT *el)
{
	DWORD total = 0;

	for (int i = 0; i < N_EL; i++) {
		if (bufs[i] == NULL)
			bufs[i] = malloc(sizes[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(bufs[i]);
		for (ULONG k = 0; k < sizes[i]; k++)
			bufs[i][k] = ta_byte(total + k);
		memset(&el[i], 0, sizeof(el[i]));
		el[i].dwElFlags = TP_ELEMENT_MEMORY |
			(i == N_EL - 1 ? TP_ELEMENT_EOP : 0);
		el[i].cLength = sizes[i];
		el[i].pBuffer = bufs[i];
		total += sizes[i];
	}
	return total;
}

/* The peer reads total bytes of the pattern, then (if fin) the end. */
static void
check_stream(SOCKET s, DWORD total, bool fin)
{
	static char got[200000];
	int n = ta_recv_n(s, got, (int)total, PT_WAIT_MS);
	int bad = 0;

	CU_ASSERT_EQUAL_FATAL(n, (int)total);
	for (DWORD i = 0; i < total; i++)
		bad += got[i] != ta_byte(i);
	CU_ASSERT_EQUAL(bad, 0);
	if (fin)
		CU_ASSERT_EQUAL(ta_recv_n(s, got, 1, PT_WAIT_MS), 0);
}

/* Five memory elements, overlapped: one completion with their sum; the
 * peer reads them in order, byte for byte. */
static void
test_transmitpackets_memory_elements_arrive_in_order(void)
{
	TRANSMIT_PACKETS_ELEMENT el[N_EL];
	DWORD total = fill(el), n = 0;
	SOCKET c, s;

	ta_pair(&c, &s);
	memset(&ov1, 0, sizeof(ov1));
	ET_PENDS(et.transmit_packets(c, el, N_EL, 0, &ov1, 0));
	check_stream(s, total, false);
	CU_ASSERT_EQUAL(et_result(c, &ov1, &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, total);
	/* The connection goes on. */
	ta_send_all(c, "z", 1);
	CU_ASSERT_EQUAL(ta_recv_n(s, (char *)&n, 1, PT_WAIT_MS), 1);
	pt_close(s);
	pt_close(c);
}

/* Not overlapped, with TF_DISCONNECT: returns TRUE once all is sent and
 * the FIN acknowledged; the peer reads everything, then the end. */
static void
test_transmitpackets_blocking_with_disconnect_ends_stream(void)
{
	TRANSMIT_PACKETS_ELEMENT el[N_EL];
	DWORD total = fill(el);
	SOCKET c, s;

	/* The peer reads only after the call returns: its window must
	 * hold all of it. */
	ta_pair_rcvbuf(&c, &s, 1 << 18);
	CU_ASSERT_TRUE(et.transmit_packets(c, el, N_EL, 4096, NULL,
		TF_DISCONNECT));
	check_stream(s, total, true);
	pt_close(s);
	pt_close(c);
}

/* TransmitFile without a file: head then tail, TF_DISCONNECT ends the
 * stream; the completion counts head and tail. */
static void
test_transmitfile_head_and_tail_then_disconnect(void)
{
	static char head[] = "8=FIX.4.4|", tail[] = "10=123|";
	TRANSMIT_FILE_BUFFERS tfb = { head, 10, tail, 7 };
	SOCKET c, s;
	DWORD n = 0;
	char b[32];

	ta_pair(&c, &s);
	memset(&ov1, 0, sizeof(ov1));
	ET_PENDS(et.transmit_file(c, NULL, 0, 0, &ov1, &tfb, TF_DISCONNECT));
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 17, PT_WAIT_MS), 17);
	CU_ASSERT_EQUAL(memcmp(b, "8=FIX.4.4|10=123|", 17), 0);
	CU_ASSERT_EQUAL(ta_recv_n(s, b, 1, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(et_result(c, &ov1, &n, PT_WAIT_MS), 0);
	CU_ASSERT_EQUAL(n, 17);
	pt_close(s);
	pt_close(c);
}

/* A file element or handle: WSAEOPNOTSUPP; an element neither memory
 * nor file, or with unknown flags: WSAEINVAL; memory without a buffer:
 * WSAEFAULT; TF_REUSE_SOCKET without TF_DISCONNECT: WSAEINVAL; a
 * socket not connected: WSAENOTCONN. Nothing is sent by any. */
static void
test_transmit_misuse_fails_with_documented_codes(void)
{
	TRANSMIT_PACKETS_ELEMENT el = { .dwElFlags = TP_ELEMENT_FILE,
		.cLength = 10 };
	TRANSMIT_FILE_BUFFERS tfb = { NULL, 4, NULL, 0 };
	SOCKET c, s, idle = ta_tcp();
	char b[4];

	ta_pair(&c, &s);
	memset(&ov1, 0, sizeof(ov1));
	ET_FAILS(et.transmit_packets(c, &el, 1, 0, &ov1, 0), WSAEOPNOTSUPP);
	el.dwElFlags = 0;
	ET_FAILS(et.transmit_packets(c, &el, 1, 0, &ov1, 0), WSAEINVAL);
	el.dwElFlags = TP_ELEMENT_MEMORY | 0x100;
	ET_FAILS(et.transmit_packets(c, &el, 1, 0, &ov1, 0), WSAEINVAL);
	el.dwElFlags = TP_ELEMENT_MEMORY;
	el.pBuffer = NULL;
	ET_FAILS(et.transmit_packets(c, &el, 1, 0, &ov1, 0), WSAEFAULT);
	ET_FAILS(et.transmit_packets(c, NULL, 1, 0, &ov1, 0), WSAEFAULT);
	el.pBuffer = b;
	ET_FAILS(et.transmit_packets(c, &el, 1, 0, &ov1, TF_REUSE_SOCKET),
		WSAEINVAL);
	ET_FAILS(et.transmit_packets(idle, &el, 1, 0, &ov1, 0),
		WSAENOTCONN);
	ET_FAILS(et.transmit_file(c, (HANDLE)0x10, 0, 0, &ov1, NULL, 0),
		WSAEOPNOTSUPP);
	ET_FAILS(et.transmit_file(c, NULL, 0, 0, &ov1, &tfb, 0), WSAEFAULT);
	ET_FAILS(et.transmit_file(c, NULL, 0, 0, &ov1, NULL, 0x400),
		WSAEINVAL);
	ET_FAILS(et.transmit_file(idle, NULL, 0, 0, &ov1, NULL, 0),
		WSAENOTCONN);
	CU_ASSERT_FALSE(ta_ready(s, 0, 100));
	pt_close(s);
	pt_close(c);
	pt_close(idle);
}

static int
transmit_clean(void)
{
	for (int i = 0; i < N_EL; i++) {
		free(bufs[i]);
		bufs[i] = NULL;
	}
	return pt_suite_clean();
}

static const struct wt_test transmit_tests[] = {
	WT_TEST(test_transmitpackets_memory_elements_arrive_in_order),
	WT_TEST(test_transmitpackets_blocking_with_disconnect_ends_stream),
	WT_TEST(test_transmitfile_head_and_tail_then_disconnect),
	WT_TEST(test_transmit_misuse_fails_with_documented_codes),
	WT_TEST_END
};

const struct wt_suite test_ext_tcp_transmit_suite = {
	.name = "ext_tcp_transmit",
	.clean = transmit_clean,
	.tests = transmit_tests,
};
