/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_handle.c: handle tables and the socket handle upcalls.
 *
 * A handle is ((generation << bits | slot) << 2): a nonzero multiple of 4
 * below 2^31 like a Windows handle, so code that (wrongly) keeps a SOCKET
 * in an int still works, as it does on Windows.
 */

#include <stdatomic.h>

#include "ws2_priv.h"

/* 262143 sockets (a process of 100 000 TCP connections with both ends
 * its own holds 200 000); the generation takes the remaining 11 bits. */
WS2_HTAB_DEFINE(, ws2_sockets, 18);

static unsigned
gen_bits(const struct ws2_htab *t)
{
	return 29 - t->ht_bits;
}

uint64_t
ws2_htab_alloc(struct ws2_htab *t, uintptr_t ctx)
{
	struct ws2_hslot *s;
	uint64_t h = 0;
	unsigned slot;

	pthread_mutex_lock(&t->ht_lock);
	/* Fresh slots first, then the longest-freed one. */
	if (t->ht_fresh < (1u << t->ht_bits)) {
		slot = t->ht_fresh++;
	} else if (t->ht_nfree > 0) {
		slot = t->ht_fifo[t->ht_head];
		t->ht_head = (t->ht_head + 1) & ((1u << t->ht_bits) - 1);
		t->ht_nfree--;
	} else {
		goto out_unlock;
	}
	s = &t->ht_slots[slot];
	s->hs_gen = (s->hs_gen + 1) & ((1u << gen_bits(t)) - 1);
	h = (((uint64_t)s->hs_gen << t->ht_bits) | slot) << 2;
	/* Release: a lookup that sees this ctx then sees the 0 that
	 * ws2_htab_free stored in hs_handle before it. */
	atomic_store_explicit(&s->hs_ctx, ctx, memory_order_release);
	atomic_store_explicit(&s->hs_handle, h, memory_order_release);
	t->ht_live++;
out_unlock:
	pthread_mutex_unlock(&t->ht_lock);
	return h;
}

static struct ws2_hslot *
slot_of(struct ws2_htab *t, uint64_t h)
{
	uint64_t slot = (h >> 2) & ((1u << t->ht_bits) - 1);

	if (h == 0 || (h & 3) != 0 || h >= (1ull << 31) || slot == 0)
		return NULL;
	return &t->ht_slots[slot];
}

int
ws2_htab_lookup(struct ws2_htab *t, uint64_t h, uintptr_t *ctx)
{
	struct ws2_hslot *s = slot_of(t, h);
	uintptr_t c;

	if (s == NULL ||
	    atomic_load_explicit(&s->hs_handle, memory_order_acquire) != h)
		return -1;
	/*
	 * Re-check: if the slot was freed and reused while we read hs_ctx,
	 * hs_handle no longer holds h (the generation changed). The acquire
	 * keeps the re-check after the ctx load; a reused ctx was stored
	 * after hs_handle went to 0 (ws2_htab_alloc). No fences: TSan
	 * follows this.
	 */
	c = atomic_load_explicit(&s->hs_ctx, memory_order_acquire);
	if (atomic_load_explicit(&s->hs_handle, memory_order_relaxed) != h)
		return -1;
	if (ctx != NULL)
		*ctx = c;
	return 0;
}

int
ws2_htab_free(struct ws2_htab *t, uint64_t h, uintptr_t *ctx)
{
	struct ws2_hslot *s = slot_of(t, h);
	unsigned mask = (1u << t->ht_bits) - 1;
	int ret = -1;

	if (s == NULL)
		return -1;
	pthread_mutex_lock(&t->ht_lock);
	if (atomic_load_explicit(&s->hs_handle, memory_order_relaxed) != h)
		goto out_unlock;
	if (ctx != NULL)
		*ctx = atomic_load_explicit(&s->hs_ctx, memory_order_relaxed);
	atomic_store_explicit(&s->hs_handle, 0, memory_order_relaxed);
	t->ht_fifo[(t->ht_head + t->ht_nfree) & mask] = (uint32_t)(s -
	    t->ht_slots);
	t->ht_nfree++;
	t->ht_live--;
	ret = 0;
out_unlock:
	pthread_mutex_unlock(&t->ht_lock);
	return ret;
}

unsigned
ws2_htab_live(struct ws2_htab *t)
{
	unsigned n;

	pthread_mutex_lock(&t->ht_lock);
	n = t->ht_live;
	pthread_mutex_unlock(&t->ht_lock);
	return n;
}

unsigned
ws2_stub_socket_count(void)
{
	return ws2_htab_live(&ws2_sockets);
}

/*
 * The catalog id is not stored: all our entries belong to one provider,
 * which is all Ws2_32 needs it for.
 */
static unsigned int fail_handles;	/* atomic */

void
ws2_stub_fail_socket_handles(unsigned int n)
{
	__atomic_store_n(&fail_handles, n, __ATOMIC_RELAXED);
}

SOCKET WSPAPI
ws2_wpu_create_socket_handle(DWORD catalog_id, DWORD_PTR ctx, LPINT err)
{
	uint64_t h = 0;
	unsigned int f = __atomic_load_n(&fail_handles, __ATOMIC_RELAXED);

	/* A refusal a test asked for, as a full handle table would. */
	while (f != 0 && !__atomic_compare_exchange_n(&fail_handles, &f,
			f - 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (f == 0)
		h = ws2_htab_alloc(&ws2_sockets, ctx);
	if (h == 0) {
		*err = WSAENOBUFS;
		return INVALID_SOCKET;
	}
	return (SOCKET)h;
}

int WSPAPI
ws2_wpu_query_socket_handle_context(SOCKET s, PDWORD_PTR ctx, LPINT err)
{
	uintptr_t c;

	if (ws2_htab_lookup(&ws2_sockets, s, &c) != 0) {
		*err = WSAENOTSOCK;
		return SOCKET_ERROR;
	}
	if (ctx == NULL) {
		*err = WSAEFAULT;
		return SOCKET_ERROR;
	}
	*ctx = c;
	return 0;
}

int WSPAPI
ws2_wpu_close_socket_handle(SOCKET s, LPINT err)
{
	if (ws2_htab_free(&ws2_sockets, s, NULL) != 0) {
		*err = WSAENOTSOCK;
		return SOCKET_ERROR;
	}
	/* A closed handle leaves its port, as a closed file does. */
	ws2_iocp_forget(s);
	return 0;
}

/* We are a non-IFS Ws2_32: there are no file system handles to adopt. */
SOCKET WSPAPI
ws2_wpu_modify_ifs_handle(DWORD catalog_id, SOCKET proposed, LPINT err)
{
	*err = WSAEINVAL;
	return INVALID_SOCKET;
}

int WSPAPI
ws2_wpu_fd_is_set(SOCKET s, fd_set *set)
{
	return __WSAFDIsSet(s, set);
}

int WSAAPI
__WSAFDIsSet(SOCKET s, fd_set *set)
{
	u_int i;

	for (i = 0; i < set->fd_count && i < FD_SETSIZE; i++)
		if (set->fd_array[i] == s)
			return 1;
	return 0;
}
