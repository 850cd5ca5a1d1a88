/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * asyncio's Proactor (IocpProactor), replayed.  Read from python/cpython
 * Lib/asyncio/windows_events.py: _register_with_iocp associates the
 * socket with key 0 and does not set SetFileCompletionNotificationModes
 * ("XXX We could also use ..."); _register keeps an operation that
 * finished at once registered, because its packet still comes; _poll takes
 * packets with GetQueuedCompletionStatus and pops the operation by its
 * overlapped address (a packet for an unknown address is an error
 * there); recvfrom/sendto post Overlapped.WSARecvFrom/WSASendTo.
 * Modules/overlapped.c (Overlapped_WSARecvFrom, getresult) was not re-read
 * here: the replay uses the documented calls it wraps.  Closing the socket
 * with a receive pending must complete it once, with
 * ERROR_OPERATION_ABORTED.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

struct pov {
	WSAOVERLAPPED ov;
	char buf[256];
	WSABUF wb;
	struct sockaddr_in addr;
	int addrlen;
	DWORD flags;
};

static struct pov rx, tx;	/* static: outlive a failed test */

static int
post_recvfrom(SOCKET s, struct pov *p)
{
	DWORD n;

	memset(p, 0, sizeof(*p));
	p->wb = (WSABUF){ .len = sizeof(p->buf), .buf = p->buf };
	p->addrlen = PT_SIN_LEN;
	return WSARecvFrom(s, &p->wb, 1, &n, &p->flags, PT_SA(p->addr),
			   &p->addrlen, &p->ov, NULL);
}

/* _poll: the next packet must be for p, with bytes and error. */
static void
poll_for(HANDLE port, struct pov *p, DWORD want_bytes, DWORD want_err)
{
	LPOVERLAPPED ov;
	ULONG_PTR key;
	DWORD bytes, err;

	fw_gqcs(port, PT_WAIT_MS, &bytes, &key, &ov, &err);
	CU_ASSERT_PTR_EQUAL(ov, &p->ov);
	CU_ASSERT_EQUAL(key, 0);
	CU_ASSERT_EQUAL(bytes, want_bytes);
	CU_ASSERT_EQUAL(err, want_err);
}

/* sock_sendto then sock_recvfrom: one packet each, in the loop. */
static void
test_asyncio_sendto_recvfrom(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0,
					     INFINITE);
	SOCKET a = fw_udp(7401), b = fw_udp(7402);
	struct sockaddr_in to = pt_sin(PT_IP, 7402);
	DWORD n;
	int r;

	CreateIoCompletionPort((HANDLE)a, port, 0, 0);
	CreateIoCompletionPort((HANDLE)b, port, 0, 0);
	r = post_recvfrom(b, &rx);
	CU_ASSERT_TRUE(r == SOCKET_ERROR &&
		       WSAGetLastError() == WSA_IO_PENDING);
	memset(&tx, 0, sizeof(tx));
	tx.wb = (WSABUF){ .len = 90, .buf = tx.buf };
	r = WSASendTo(a, &tx.wb, 1, &n, 0, PT_SA(to), PT_SIN_LEN, &tx.ov,
		      NULL);
	CU_ASSERT_TRUE(r == 0 || WSAGetLastError() == WSA_IO_PENDING);
	/* Both packets come, in some order; each exactly once. */
	{
		LPOVERLAPPED ov[2];
		ULONG_PTR key;
		DWORD bytes[2], err[2];

		fw_gqcs(port, PT_WAIT_MS, &bytes[0], &key, &ov[0], &err[0]);
		fw_gqcs(port, PT_WAIT_MS, &bytes[1], &key, &ov[1], &err[1]);
		CU_ASSERT_TRUE((ov[0] == &tx.ov && ov[1] == &rx.ov) ||
			       (ov[0] == &rx.ov && ov[1] == &tx.ov));
		CU_ASSERT_EQUAL(bytes[0], 90);
		CU_ASSERT_EQUAL(bytes[1], 90);
		CU_ASSERT_EQUAL(err[0] | err[1], 0);
	}
	CU_ASSERT_EQUAL(ntohs(rx.addr.sin_port), 7401);
	fw_no_packet(port);
	pt_close(a);
	pt_close(b);
	CloseHandle(port);
}

/* A recvfrom that finished at once still gets its packet (_register). */
static void
test_asyncio_immediate_still_posts(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET a = fw_udp(7403), b = fw_udp(7404);

	CreateIoCompletionPort((HANDLE)b, port, 0, 0);
	fw_send(a, 7404, 40);
	CU_ASSERT_TRUE(pt_readable(b, PT_WAIT_MS));
	CU_ASSERT_EQUAL(post_recvfrom(b, &rx), 0);
	poll_for(port, &rx, 40, 0);
	fw_no_packet(port);
	pt_close(a);
	pt_close(b);
	CloseHandle(port);
}

/* transport close: closesocket aborts the pending recvfrom, once. */
static void
test_asyncio_close_aborts_once(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	SOCKET b = fw_udp(7405);

	CreateIoCompletionPort((HANDLE)b, port, 0, 0);
	PT_FAILS(post_recvfrom(b, &rx), WSA_IO_PENDING);
	pt_close(b);
	poll_for(port, &rx, 0, ERROR_OPERATION_ABORTED);
	/* The OVERLAPPED is finished: Windows frees it after the packet. */
	CU_ASSERT_NOT_EQUAL(rx.ov.Internal, WSS_OPERATION_IN_PROGRESS);
	fw_no_packet(port);
	CloseHandle(port);
}

static const struct wt_test asyncio_tests[] = {
	WT_TEST(test_asyncio_sendto_recvfrom),
	WT_TEST(test_asyncio_immediate_still_posts),
	WT_TEST(test_asyncio_close_aborts_once),
	WT_TEST_END
};

const struct wt_suite test_fw_asyncio_suite = {
	.name = "fw_asyncio",
	.clean = pt_suite_clean,
	.tests = asyncio_tests,
};
