/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP extension functions on OS path sockets (issue #15 item 2),
 * through the stand-in's public Winsock API, the provider on the loop
 * device: AcceptEx pre-posted on a 127.0.0.1 listener and ConnectEx to it
 * from a socket bound to INADDR_ANY, as asyncio's Proactor and
 * Boost.Asio's IOCP service do, each completing exactly once through an
 * event or a completion port associated with wspdk's handles;
 * GetAcceptExSockaddrs' layout; SO_UPDATE_ACCEPT_CONTEXT /
 * SO_UPDATE_CONNECT_CONTEXT; a close ending a pending AcceptEx;
 * TransmitPackets/TransmitFile from memory; DisconnectEx reusing the
 * socket for another AcceptEx.
 * OVERLAPPEDs live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <string.h>

#include "ospath_util.h"

/* sizeof(sockaddr_in) + 16, AcceptEx's least address slot. */
#define SLOT	32

static LPFN_ACCEPTEX accept_ex;
static LPFN_GETACCEPTEXSOCKADDRS sockaddrs;
static LPFN_CONNECTEX connect_ex;
static LPFN_DISCONNECTEX disconnect_ex;
static LPFN_TRANSMITFILE transmit_file;
static LPFN_TRANSMITPACKETS transmit_packets;

static WSAOVERLAPPED aov, cov;
static char out[64 + 2 * SLOT];

/* The functions, asked of an OS path socket (a listener on 127.0.0.1). */
static void
load(SOCKET s)
{
	accept_ex = ou_ext_fn(s, (GUID)WSAID_ACCEPTEX);
	sockaddrs = ou_ext_fn(s, (GUID)WSAID_GETACCEPTEXSOCKADDRS);
	connect_ex = ou_ext_fn(s, (GUID)WSAID_CONNECTEX);
	disconnect_ex = ou_ext_fn(s, (GUID)WSAID_DISCONNECTEX);
	transmit_file = ou_ext_fn(s, (GUID)WSAID_TRANSMITFILE);
	transmit_packets = ou_ext_fn(s, (GUID)WSAID_TRANSMITPACKETS);
}

static struct sockaddr_in
name_of(SOCKET s, bool peer)
{
	struct sockaddr_in sin;
	int len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	CU_ASSERT_EQUAL(peer ? getpeername(s, PT_SA(sin), &len) :
		getsockname(s, PT_SA(sin), &len), 0);
	return sin;
}

static bool
same(const struct sockaddr *a, const struct sockaddr_in *b)
{
	const struct sockaddr_in *x = (const struct sockaddr_in *)a;

	return a != NULL && x->sin_family == AF_INET &&
		x->sin_port == b->sin_port &&
		x->sin_addr.s_addr == b->sin_addr.s_addr;
}

static SOCKET
listener(struct sockaddr_in *name)
{
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in la = pt_sin(INADDR_LOOPBACK, 0);

	PT_OK(bind(l, PT_SA(la), PT_SIN_LEN));
	PT_OK(listen(l, 4));
	*name = name_of(l, false);
	load(l);
	return l;
}

/* What asyncio and Asio do before ConnectEx: bind to INADDR_ANY:0. */
static SOCKET
any_bound(void)
{
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	struct sockaddr_in any = pt_sin(INADDR_ANY, 0);

	PT_OK(bind(c, PT_SA(any), PT_SIN_LEN));
	return c;
}

/* Wait up to PT_WAIT_MS for ov's op on s: its error, *bytes. */
static DWORD
result(SOCKET s, LPWSAOVERLAPPED ov, DWORD *bytes)
{
	double end = pt_ms() + PT_WAIT_MS;
	DWORD flags = 0;

	*bytes = 0;
	for (;;) {
		if (WSAGetOverlappedResult(s, ov, bytes, FALSE, &flags))
			return 0;
		if (WSAGetLastError() != WSA_IO_INCOMPLETE || pt_ms() >= end)
			return (DWORD)WSAGetLastError();
		SleepEx(1, FALSE);
	}
}

static void
pended(BOOL r)
{
	CU_ASSERT_FALSE(r);
	if (!r)
		CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
}

static void
exchange(SOCKET a, SOCKET b)
{
	char buf[8];

	CU_ASSERT_EQUAL(send(a, "ping", 4, 0), 4);
	CU_ASSERT_TRUE(pt_readable(b, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(b, buf, sizeof(buf), 0), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "ping", 4), 0);
}

/*
 * asyncio's and Asio's loopback pair: AcceptEx pre-posted (no receive
 * data) on a 127.0.0.1 listener, ConnectEx with send data from a socket
 * bound to INADDR_ANY; each completes once through its event; the
 * addresses are where GetAcceptExSockaddrs finds them; the update
 * options make the pair a normal connection.
 */
static void
test_acceptex_and_connectex_make_a_loopback_pair(void)
{
	struct sockaddr_in ln, cn, *loc, *rem;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = any_bound();
	DWORD bytes = 99, sent = 0;
	char buf[8];
	int llen = 0, rlen = 0;

	memset(&aov, 0, sizeof(aov));
	memset(&cov, 0, sizeof(cov));
	aov.hEvent = WSACreateEvent();
	cov.hEvent = WSACreateEvent();
	pended(accept_ex(l, a, out, 0, SLOT, SLOT, &bytes, &aov));
	if (!connect_ex(c, PT_SA(ln), PT_SIN_LEN, "hello", 5, &sent, &cov))
		CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(result(l, &aov, &bytes), 0);
	CU_ASSERT_EQUAL(bytes, 0);
	CU_ASSERT_EQUAL(result(c, &cov, &bytes), 0);
	CU_ASSERT_EQUAL(bytes, 5);
	ou_no_second_signal(aov.hEvent);
	ou_no_second_signal(cov.hEvent);
	PT_OK(setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&l, sizeof(l)));
	PT_OK(setsockopt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0));
	cn = name_of(c, false);
	CU_ASSERT_EQUAL(cn.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	sockaddrs(out, 0, SLOT, SLOT, (struct sockaddr **)&loc, &llen,
		(struct sockaddr **)&rem, &rlen);
	/* Each address at the start of its own slot. */
	CU_ASSERT_PTR_EQUAL(loc, out);
	CU_ASSERT_PTR_EQUAL(rem, out + SLOT);
	CU_ASSERT_EQUAL(llen, (int)sizeof(struct sockaddr_in));
	CU_ASSERT_EQUAL(rlen, (int)sizeof(struct sockaddr_in));
	CU_ASSERT_TRUE(same((struct sockaddr *)loc, &ln));
	CU_ASSERT_TRUE(same((struct sockaddr *)rem, &cn));
	{
		struct sockaddr_in ap = name_of(a, true);

		CU_ASSERT_TRUE(same((struct sockaddr *)&ap, &cn));
	}
	CU_ASSERT_TRUE(pt_readable(a, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	exchange(a, c);
	exchange(c, a);
	WSACloseEvent(aov.hEvent);
	WSACloseEvent(cov.hEvent);
	pt_close(c);
	pt_close(a);
	pt_close(l);
}

/* With a receive buffer AcceptEx completes with the first data, which
 * precedes the two address slots (AcceptEx's lpOutputBuffer). */
static void
test_acceptex_with_data_completes_with_the_first_bytes(void)
{
	struct sockaddr_in ln, cn, *loc, *rem;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	DWORD bytes = 0;
	int llen = 0, rlen = 0;

	memset(&aov, 0, sizeof(aov));
	aov.hEvent = WSACreateEvent();
	pended(accept_ex(l, a, out, 64, SLOT, SLOT, &bytes, &aov));
	PT_OK(connect(c, PT_SA(ln), PT_SIN_LEN));
	/* Connected, no data yet: still pending. */
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &aov.hEvent, FALSE, 100,
		FALSE), WSA_WAIT_TIMEOUT);
	CU_ASSERT_EQUAL(send(c, "first", 5, 0), 5);
	CU_ASSERT_EQUAL(result(l, &aov, &bytes), 0);
	CU_ASSERT_EQUAL(bytes, 5);
	CU_ASSERT_EQUAL(memcmp(out, "first", 5), 0);
	cn = name_of(c, false);
	sockaddrs(out, 64, SLOT, SLOT, (struct sockaddr **)&loc, &llen,
		(struct sockaddr **)&rem, &rlen);
	CU_ASSERT_PTR_EQUAL(loc, out + 64);
	CU_ASSERT_PTR_EQUAL(rem, out + 64 + SLOT);
	CU_ASSERT_TRUE(same((struct sockaddr *)loc, &ln));
	CU_ASSERT_TRUE(same((struct sockaddr *)rem, &cn));
	ou_no_second_signal(aov.hEvent);
	PT_OK(setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&l, sizeof(l)));
	exchange(a, c);
	WSACloseEvent(aov.hEvent);
	pt_close(c);
	pt_close(a);
	pt_close(l);
}

/* IOCP frameworks associate the listener and the connecting socket with
 * a port: AcceptEx's packet comes with the listener's key, ConnectEx's
 * with its socket's, once each. */
static void
test_acceptex_and_connectex_post_one_packet_each(void)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	struct sockaddr_in ln;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	SOCKET c = any_bound();
	DWORD bytes, err, sent = 0;
	ULONG_PTR key;
	LPOVERLAPPED ov;
	int seen_a = 0, seen_c = 0;

	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)l, port, 5,
		0), port);
	CU_ASSERT_PTR_EQUAL_FATAL(CreateIoCompletionPort((HANDLE)c, port, 6,
		0), port);
	memset(&aov, 0, sizeof(aov));
	memset(&cov, 0, sizeof(cov));
	pended(accept_ex(l, a, out, 0, SLOT, SLOT, &bytes, &aov));
	if (!connect_ex(c, PT_SA(ln), PT_SIN_LEN, NULL, 0, &sent, &cov))
		CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	for (int i = 0; i < 2; i++) {
		ov = ou_one_packet(port, &key, &bytes, &err);
		CU_ASSERT_EQUAL(err, 0);
		CU_ASSERT_EQUAL(bytes, 0);
		if (ov == &aov) {
			CU_ASSERT_EQUAL(key, 5);
			seen_a++;
		} else {
			CU_ASSERT_PTR_EQUAL(ov, &cov);
			CU_ASSERT_EQUAL(key, 6);
			seen_c++;
		}
	}
	CU_ASSERT_EQUAL(seen_a, 1);
	CU_ASSERT_EQUAL(seen_c, 1);
	ou_no_packet(port);
	PT_OK(setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&l, sizeof(l)));
	exchange(c, a);
	pt_close(c);
	pt_close(a);
	pt_close(l);
	CU_ASSERT_TRUE(CloseHandle(port));
}

/* Closing the listener ends its pending AcceptEx WSA_OPERATION_ABORTED,
 * once (what a server's shutdown does with its pre-posted accepts). */
static void
test_close_aborts_a_pending_acceptex_once(void)
{
	struct sockaddr_in ln;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	DWORD bytes = 0;

	memset(&aov, 0, sizeof(aov));
	aov.hEvent = WSACreateEvent();
	pended(accept_ex(l, a, out, 0, SLOT, SLOT, &bytes, &aov));
	pt_close(l);
	CU_ASSERT_EQUAL(WSAWaitForMultipleEvents(1, &aov.hEvent, FALSE,
		PT_WAIT_MS, FALSE), WSA_WAIT_EVENT_0);
	CU_ASSERT_EQUAL(aov.OffsetHigh, WSA_OPERATION_ABORTED);
	ou_no_second_signal(aov.hEvent);
	WSACloseEvent(aov.hEvent);
	pt_close(a);
}

/* AcceptEx's own checks hold on the OS path: no OVERLAPPED is
 * WSAEINVAL (it "cannot be NULL"), slots too small WSAEINVAL. */
static void
test_acceptex_checks_its_arguments(void)
{
	struct sockaddr_in ln;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	DWORD bytes = 0;

	CU_ASSERT_FALSE(accept_ex(l, a, out, 0, SLOT, SLOT, &bytes, NULL));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEINVAL);
	memset(&aov, 0, sizeof(aov));
	CU_ASSERT_FALSE(accept_ex(l, a, out, 0, SLOT - 1, SLOT, &bytes,
		&aov));
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEINVAL);
	pt_close(a);
	pt_close(l);
}

/* Either TRUE (finished now) or pending; then its result, once. */
static void
finished(BOOL r, SOCKET s, LPWSAOVERLAPPED ov, DWORD want_bytes)
{
	DWORD bytes = 0;

	if (!r)
		CU_ASSERT_EQUAL(WSAGetLastError(), WSA_IO_PENDING);
	CU_ASSERT_EQUAL(result(s, ov, &bytes), 0);
	CU_ASSERT_EQUAL(bytes, want_bytes);
	ou_no_second_signal(ov->hEvent);
}

/* AcceptEx of a connection from a plain connect: a, the accept socket. */
static void
accepted(SOCKET l, const struct sockaddr_in *ln, SOCKET a, SOCKET *c)
{
	DWORD bytes = 0;

	*c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	memset(&aov, 0, sizeof(aov));
	aov.hEvent = WSACreateEvent();
	pended(accept_ex(l, a, out, 0, SLOT, SLOT, &bytes, &aov));
	PT_OK(connect(*c, (const struct sockaddr *)ln, PT_SIN_LEN));
	CU_ASSERT_EQUAL(result(l, &aov, &bytes), 0);
	WSACloseEvent(aov.hEvent);
	PT_OK(setsockopt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
		(char *)&l, sizeof(l)));
}

static void
recv_all(SOCKET s, const char *want, int n)
{
	char buf[32];
	int got = 0, r;

	while (got < n && pt_readable(s, PT_WAIT_MS)) {
		r = recv(s, buf + got, (int)sizeof(buf) - got, 0);
		if (r <= 0)
			break;
		got += r;
	}
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(memcmp(buf, want, (size_t)n), 0);
}

/* TransmitPackets and TransmitFile from memory send it all and complete
 * once with the byte count; TF_DISCONNECT then ends the stream. */
static void
test_transmit_from_memory_sends_and_completes_once(void)
{
	struct sockaddr_in ln;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP), c;
	TRANSMIT_PACKETS_ELEMENT el[2];
	TRANSMIT_FILE_BUFFERS tfb;
	char buf[4];

	accepted(l, &ln, a, &c);
	memset(el, 0, sizeof(el));
	el[0].dwElFlags = TP_ELEMENT_MEMORY;
	el[0].cLength = 3;
	el[0].pBuffer = "pac";
	el[1].dwElFlags = TP_ELEMENT_MEMORY;
	el[1].cLength = 4;
	el[1].pBuffer = "kets";
	memset(&cov, 0, sizeof(cov));
	cov.hEvent = WSACreateEvent();
	finished(transmit_packets(a, el, 2, 0, &cov, 0), a, &cov, 7);
	recv_all(c, "packets", 7);
	memset(&tfb, 0, sizeof(tfb));
	tfb.Head = "head";
	tfb.HeadLength = 4;
	tfb.Tail = "tail";
	tfb.TailLength = 4;
	WSACloseEvent(cov.hEvent);
	memset(&cov, 0, sizeof(cov));
	cov.hEvent = WSACreateEvent();
	finished(transmit_file(a, NULL, 0, 0, &cov, &tfb, TF_DISCONNECT), a,
		&cov, 8);
	recv_all(c, "headtail", 8);
	CU_ASSERT_TRUE(pt_readable(c, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 0);
	WSACloseEvent(cov.hEvent);
	pt_close(c);
	pt_close(a);
	pt_close(l);
}

/* DisconnectEx(TF_REUSE_SOCKET) completes once, the peer sees the end
 * of the stream, and the same accept socket serves a second AcceptEx
 * (the socket reuse of IIS-style servers). */
static void
test_disconnectex_reuse_serves_a_second_acceptex(void)
{
	struct sockaddr_in ln;
	SOCKET l = listener(&ln), a = pt_socket(SOCK_STREAM, IPPROTO_TCP), c;
	char buf[4];

	accepted(l, &ln, a, &c);
	memset(&cov, 0, sizeof(cov));
	cov.hEvent = WSACreateEvent();
	finished(disconnect_ex(a, &cov, TF_REUSE_SOCKET, 0), a, &cov, 0);
	CU_ASSERT_TRUE(pt_readable(c, PT_WAIT_MS));
	CU_ASSERT_EQUAL(recv(c, buf, sizeof(buf), 0), 0);
	pt_close(c);
	accepted(l, &ln, a, &c);
	exchange(c, a);
	exchange(a, c);
	WSACloseEvent(cov.hEvent);
	pt_close(c);
	pt_close(a);
	pt_close(l);
}

static const struct wt_test tests[] = {
	WT_TEST(test_acceptex_and_connectex_make_a_loopback_pair),
	WT_TEST(test_acceptex_with_data_completes_with_the_first_bytes),
	WT_TEST(test_acceptex_and_connectex_post_one_packet_each),
	WT_TEST(test_close_aborts_a_pending_acceptex_once),
	WT_TEST(test_acceptex_checks_its_arguments),
	WT_TEST(test_transmit_from_memory_sends_and_completes_once),
	WT_TEST(test_disconnectex_reuse_serves_a_second_acceptex),
	WT_TEST_END
};

static const struct wt_suite ospath_ext_suite = {
	.name = "ospath_ext",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&ospath_ext_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
