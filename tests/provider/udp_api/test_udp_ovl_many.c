/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Overlapped receives at scale and as readiness: hundreds of sockets
 * with a receive pending each (no 64-socket service limit), and the
 * zero-byte and MSG_PEEK receives frameworks post to learn that a
 * socket is readable (libuv's UV_HANDLE_ZERO_READ).
 *
 * Operations live in static storage: a late completion after a failed
 * assertion must not write into a dead stack frame.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

#define MANY	256

struct many_op {
	WSAOVERLAPPED ov;
	char buf[16];
	WSABUF wb;
	DWORD n, flags;
	int done;
	DWORD err, bytes;
};

static struct many_op many[MANY];
static SOCKET many_rx[MANY];
static int many_done;

static void CALLBACK
many_completion(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	struct many_op *o = (struct many_op *)ov;

	(void)flags;
	o->done++;
	o->err = err;
	o->bytes = bytes;
	many_done++;
}

/* Wait (alertable) until want completion routines ran, or PT_WAIT_MS. */
static void
wait_done(int want)
{
	double end = pt_ms() + PT_WAIT_MS;

	while (many_done < want && pt_ms() < end)
		SleepEx(10, TRUE);
}

/* Send "dgram i" to to[i]. */
static void
send_index(SOCKET tx, const struct sockaddr_in *to, int i)
{
	char d[16];
	int len = snprintf(d, sizeof(d), "dgram %d", i);

	CU_ASSERT_EQUAL(sendto(tx, d, len, 0, (const struct sockaddr *)&to[i],
		PT_SIN_LEN), len);
}

/* 256 sockets, one receive pending on each. A datagram to the last one
 * completes its receive while the 255 before it stay idle (the service
 * thread follows every socket, not the first 64); then one to each of
 * the others completes every receive exactly once with its own. */
static void
test_overlapped_recvs_on_256_sockets_all_complete_once(void)
{
	SOCKET tx = ua_udp();
	struct sockaddr_in to[MANY];
	int bad = 0;

	many_done = 0;
	for (int i = 0; i < MANY; i++) {
		struct many_op *o = &many[i];

		many_rx[i] = ua_bound(&to[i]);
		memset(o, 0, sizeof(*o));
		o->wb = (WSABUF){ .len = sizeof(o->buf), .buf = o->buf };
		PT_FAILS(WSARecv(many_rx[i], &o->wb, 1, &o->n, &o->flags,
			&o->ov, many_completion), WSA_IO_PENDING);
	}
	send_index(tx, to, MANY - 1);
	wait_done(1);
	CU_ASSERT_EQUAL(many_done, 1);
	CU_ASSERT_EQUAL(many[MANY - 1].done, 1);
	for (int i = MANY - 2; i >= 0; i--)
		send_index(tx, to, i);
	wait_done(MANY);
	SleepEx(20, TRUE);
	CU_ASSERT_EQUAL(many_done, MANY);
	for (int i = 0; i < MANY; i++) {
		char d[16];
		int len = snprintf(d, sizeof(d), "dgram %d", i);
		struct many_op *o = &many[i];

		if (o->done != 1 || o->err != 0 || o->bytes != (DWORD)len ||
				memcmp(o->buf, d, (size_t)len) != 0)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (int i = 0; i < MANY; i++)
		pt_close(many_rx[i]);
	pt_close(tx);
}

static const struct wt_test many_tests[] = {
	WT_TEST(test_overlapped_recvs_on_256_sockets_all_complete_once),
	WT_TEST_END
};

const struct wt_suite test_udp_ovl_many_suite = {
	.name = "udp_overlapped_many",
	.clean = pt_suite_clean,
	.tests = many_tests,
};
