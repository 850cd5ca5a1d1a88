/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy sends as a Windows application makes them (tcp_api.h
 * ta_zc_send): SO_SNDBUF 0, several overlapped WSASends outstanding,
 * each of several WSABUFs of odd sizes with gaps between them, reposted
 * as completions come off a completion port. Each buffer is scribbled
 * over and freed right after its completion: a stack that still read it
 * would send wrong bytes (the receiver checks every one) or, under ASan,
 * read freed memory.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

#define ZC_DEPTH	8
#define ZC_PIECES	3
#define ZC_GAP		64

/* The WSABUF sizes, in turn: odd, one tiny, over 64 KB. */
static const ULONG zc_sizes[] = { 70001, 13, 100003, 4099, 65537, 1 };
#define NSIZES	(sizeof(zc_sizes) / sizeof(zc_sizes[0]))

struct zc_slot {
	WSAOVERLAPPED ov;
	WSABUF wb[ZC_PIECES];
	char *mem;
	ULONG len;
	bool busy;
};

static struct zc_slot zc_slots[ZC_DEPTH];

/* Post slot k with the stream's next bytes from *pos (up to end). */
static int
zc_post(SOCKET s, struct zc_slot *z, uint64_t *pos, uint64_t end,
		unsigned int *turn)
{
	size_t room = 0;
	char *p;

	for (int i = 0; i < ZC_PIECES; i++)
		room += zc_sizes[(*turn + i) % NSIZES] + ZC_GAP;
	z->mem = malloc(room);
	if (z->mem == NULL)
		return -1;
	p = z->mem;
	z->len = 0;
	memset(z->wb, 0, sizeof(z->wb));
	for (int i = 0; i < ZC_PIECES && *pos < end; i++) {
		ULONG n = zc_sizes[(*turn)++ % NSIZES];

		if (n > end - *pos)
			n = (ULONG)(end - *pos);
		for (ULONG j = 0; j < n; j++)
			p[j] = ta_byte(*pos + j);
		z->wb[i] = (WSABUF){ .len = n, .buf = p };
		*pos += n;
		z->len += n;
		p += n + ZC_GAP;
	}
	memset(&z->ov, 0, sizeof(z->ov));
	z->busy = true;
	if (WSASend(s, z->wb, ZC_PIECES, NULL, 0, &z->ov, NULL) == 0 ||
			WSAGetLastError() == WSA_IO_PENDING)
		return 0;
	z->busy = false;
	free(z->mem);
	z->mem = NULL;
	return -1;
}

int64_t
ta_zc_send(SOCKET s, uint64_t n, void (*pump)(void *), void *arg,
		unsigned int *bad)
{
	HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
	uint64_t pos = 0, done = 0, t0 = wt_now_ns();
	unsigned int turn = 0, busy = 0;

	*bad = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(port);
	CU_ASSERT_PTR_NOT_NULL_FATAL(CreateIoCompletionPort((HANDLE)s, port,
		7, 0));
	pt_setopt_int(s, SOL_SOCKET, SO_SNDBUF, 0);
	for (int k = 0; k < ZC_DEPTH && pos < n; k++, busy++)
		if (zc_post(s, &zc_slots[k], &pos, n, &turn) != 0)
			(*bad)++;
	while (busy > 0 && wt_now_ns() - t0 < 120 * 1000000000ull) {
		LPOVERLAPPED ov = NULL;
		ULONG_PTR key = 0;
		DWORD bytes = 0;
		BOOL ok;
		struct zc_slot *z;

		if (pump != NULL)
			pump(arg);
		ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov,
			pump != NULL ? 1 : 100);
		if (ov == NULL)
			continue;
		z = (struct zc_slot *)ov;	/* ov is its first member */
		if (!ok || key != 7 || z < zc_slots ||
				z >= zc_slots + ZC_DEPTH || !z->busy ||
				bytes != z->len) {
			(*bad)++;
			if (z < zc_slots || z >= zc_slots + ZC_DEPTH)
				continue;
		}
		z->busy = false;
		busy--;
		done += bytes;
		/* The buffer is the application's again. */
		memset(z->mem, 0xee, z->len);
		free(z->mem);
		z->mem = NULL;
		if (pos < n) {
			if (zc_post(s, z, &pos, n, &turn) != 0)
				(*bad)++;
			else
				busy++;
		}
	}
	CU_ASSERT_EQUAL(busy, 0);
	/* Exactly once: nothing more comes. */
	{
		LPOVERLAPPED ov = NULL;
		ULONG_PTR key;
		DWORD bytes;

		if (pump != NULL)
			pump(arg);
		CU_ASSERT_FALSE(GetQueuedCompletionStatus(port, &bytes, &key,
			&ov, 50));
		CU_ASSERT_PTR_NULL(ov);
	}
	CloseHandle(port);
	return (int64_t)done;
}
