/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Python asyncio's selector loop on Windows, replayed.  Read from
 * python/cpython:
 * - Lib/socket.py _fallback_socketpair (Windows has no socketpair): a
 *   listener bound to 127.0.0.1 port 0, a non-blocking connect to it
 *   (BlockingIOError ignored), setblocking(True), accept, close the
 *   listener, check each end's names against the other's;
 * - Lib/asyncio/selector_events.py _make_self_pipe: both ends
 *   non-blocking, the server end registered for reading; _write_to_self
 *   sends one b'\0'; _read_from_self recv(4096) until BlockingIOError;
 *   _sock_connect / _sock_connect_cb: a non-blocking connect, then
 *   writability and getsockopt(SO_ERROR);
 * - Lib/selectors.py SelectSelector._select on win32:
 *   select.select(r, w, w, timeout), writers' exceptions counted as
 *   writable.
 * Python binds the self-pipe to 127.0.0.1, which wspdk hands to the OS
 * provider behind its own handles (issue #15): the replay runs as
 * installed, the self-pipe on loopback and the connects on our address,
 * in the same selects.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "fw.h"

#define LOCALHOST	0x7f000001u

/* socket.socketpair(), on ip. */
static int
socketpair_on(uint32_t ip, SOCKET *ssock, SOCKET *csock)
{
	struct sockaddr_in sin = pt_sin(ip, 0), a, b;
	int len = PT_SIN_LEN, alen = PT_SIN_LEN, blen = PT_SIN_LEN;
	SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
	u_long on = 1, off = 0;

	if (bind(l, PT_SA(sin), PT_SIN_LEN) != 0) {
		int err = WSAGetLastError();

		pt_close(l);
		return err;
	}
	PT_OK(listen(l, SOMAXCONN));
	PT_OK(getsockname(l, PT_SA(sin), &len));
	*csock = socket(AF_INET, SOCK_STREAM, 0);
	PT_OK(ioctlsocket(*csock, FIONBIO, &on));
	if (connect(*csock, PT_SA(sin), PT_SIN_LEN) != 0)
		CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	PT_OK(ioctlsocket(*csock, FIONBIO, &off));
	*ssock = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(*ssock != INVALID_SOCKET);
	pt_close(l);
	PT_OK(getsockname(*ssock, PT_SA(a), &alen));
	PT_OK(getpeername(*csock, PT_SA(b), &blen));
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	PT_OK(getsockname(*csock, PT_SA(a), &alen));
	PT_OK(getpeername(*ssock, PT_SA(b), &blen));
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	return 0;
}

/* SelectSelector.select on win32: ready readers and writers, writers'
 * exceptions folded into writable. */
static void
selector_select(SOCKET *r, unsigned int nr, SOCKET *w, unsigned int nw,
		long ms, fd_set *rd, fd_set *wr)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	fd_set ex;
	int n;

	FD_ZERO(rd);
	FD_ZERO(wr);
	FD_ZERO(&ex);
	for (unsigned int i = 0; i < nr; i++)
		FD_SET(r[i], rd);
	for (unsigned int i = 0; i < nw; i++) {
		FD_SET(w[i], wr);
		FD_SET(w[i], &ex);
	}
	n = select(0, rd, wr, &ex, &tv);
	CU_ASSERT(n >= 0);
	for (u_int i = 0; i < ex.fd_count; i++)
		if (!FD_ISSET(ex.fd_array[i], wr))
			FD_SET(ex.fd_array[i], wr);
}

static void *
write_to_self(void *arg)
{
	SOCKET csock = *(SOCKET *)arg;

	usleep(100 * 1000);
	CU_ASSERT_EQUAL(send(csock, "", 1, 0), 1);
	return NULL;
}

/* _read_from_self: the bytes drained. */
static int
read_from_self(SOCKET ssock)
{
	char buf[4096];
	int n, total = 0;

	while ((n = recv(ssock, buf, sizeof(buf), 0)) > 0)
		total += n;
	CU_ASSERT_EQUAL(n, SOCKET_ERROR);
	CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
	return total;
}

/* _sock_connect and _sock_connect_cb: a non-blocking connect, the
 * selector's writability (readers r as registered), SO_ERROR. */
static int
sock_connect(struct sockaddr_in to, SOCKET *r)
{
	SOCKET c = socket(AF_INET, SOCK_STREAM, 0), w[1] = { c };
	int err = -1, elen = sizeof(err);
	u_long on = 1;
	fd_set rd, wr;

	PT_OK(ioctlsocket(c, FIONBIO, &on));
	PT_FAILS(connect(c, PT_SA(to), PT_SIN_LEN), WSAEWOULDBLOCK);
	selector_select(r, 1, w, 1, PT_WAIT_MS, &rd, &wr);
	CU_ASSERT_TRUE(FD_ISSET(c, &wr));
	PT_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&err, &elen));
	pt_close(c);
	return err;
}

static void
test_asyncio_selector_loop_replay_with_localhost_self_pipe(void)
{
	struct sockaddr_in ln;
	SOCKET ssock = INVALID_SOCKET, csock = INVALID_SOCKET, l, r[1];
	u_long on = 1;
	fd_set rd, wr;
	pthread_t t;

	CU_ASSERT_EQUAL_FATAL(socketpair_on(LOCALHOST, &ssock, &csock), 0);
	PT_OK(ioctlsocket(ssock, FIONBIO, &on));
	PT_OK(ioctlsocket(csock, FIONBIO, &on));
	/* Idle: the timeout passes, nothing ready. */
	r[0] = ssock;
	selector_select(r, 1, NULL, 0, 50, &rd, &wr);
	CU_ASSERT_EQUAL(rd.fd_count, 0);
	/* call_soon_threadsafe from another thread wakes the select. */
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, write_to_self,
		&csock), 0);
	selector_select(r, 1, NULL, 0, PT_WAIT_MS, &rd, &wr);
	pthread_join(t, NULL);
	CU_ASSERT_TRUE(FD_ISSET(ssock, &rd));
	CU_ASSERT_EQUAL(read_from_self(ssock), 1);
	/* sock_connect: writable once connected, SO_ERROR 0. */
	l = pt_listener(&ln);
	CU_ASSERT_EQUAL(sock_connect(ln, r), 0);
	/* Refused: reported through the exception set as writable, and
	 * SO_ERROR says why (ConnectionRefusedError). */
	pt_close(l);
	CU_ASSERT_EQUAL(sock_connect(ln, r), WSAECONNREFUSED);
	pt_close(ssock);
	pt_close(csock);
}

static const struct wt_test selector_tests[] = {
	WT_TEST(test_asyncio_selector_loop_replay_with_localhost_self_pipe),
	WT_TEST_END
};

const struct wt_suite test_fw_selector_suite = {
	.name = "fw_asyncio_selector",
	.clean = pt_suite_clean,
	.tests = selector_tests,
};
