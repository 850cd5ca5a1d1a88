/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2_priv.h: shared internals of the Ws2_32 stand-in.
 *
 * Files, by concern:
 *   ws2_handle.c   handle tables (sockets, events, threads) and the socket
 *                  handle upcalls (WPUCreateSocketHandle, ...)
 *   ws2_event.c    events, waits, per-thread APC queues, posted messages,
 *                  WPUCompleteOverlappedRequest
 *   ws2_iocp.c     I/O completion ports and socket associations
 *   ws2_startup.c  provider loading, WSAStartup/WSACleanup, the catalog,
 *                  the upcall table, last error
 *   ws2_api.c      the socket API: resolve the handle, call the proc table
 *   ws2_addr.c     address/string conversions (local, AF_INET)
 */

#ifndef _WS2_PRIV_H_
#define _WS2_PRIV_H_

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ws2.h"

/*
 * A handle table: Windows-looking handles (nonzero multiples of 4, below
 * 2^31, never INVALID_SOCKET) mapping to a pointer-sized context.  A freed
 * slot goes to the back of a FIFO and its generation changes, so a closed
 * handle value does not come back soon.  Lookups are lock-free (sockets
 * are resolved on every API call); alloc and free take the table lock.
 */
struct ws2_hslot {
	_Atomic uint64_t hs_handle;	/* (a) 0 when free */
	_Atomic uintptr_t hs_ctx;	/* (a) written before hs_handle */
	uint32_t hs_gen;		/* (l) generation of the last alloc */
};

struct ws2_htab {
	unsigned ht_bits;		/* (c) log2 of the slot count */
	struct ws2_hslot *ht_slots;	/* (c) */
	uint32_t *ht_fifo;		/* (l) freed slots, oldest first */
	unsigned ht_fresh;		/* (l) next never-used slot */
	unsigned ht_head;		/* (l) FIFO head */
	unsigned ht_nfree;		/* (l) FIFO length */
	unsigned ht_live;		/* (l) handles allocated */
	pthread_mutex_t ht_lock;
};

/* sc: storage class of the table, static or empty. */
#define WS2_HTAB_DEFINE(sc, var, nbits)					\
	static struct ws2_hslot var##_slots[1u << (nbits)];		\
	static uint32_t var##_fifo[1u << (nbits)];			\
	sc struct ws2_htab var = {					\
		.ht_bits = (nbits),					\
		.ht_slots = var##_slots,				\
		.ht_fifo = var##_fifo,					\
		.ht_fresh = 1,						\
		.ht_lock = PTHREAD_MUTEX_INITIALIZER,			\
	}

/** @return the new handle, or 0 if the table is full. */
uint64_t ws2_htab_alloc(struct ws2_htab *t, uintptr_t ctx);
/** @return 0 and *ctx (if ctx != NULL), or -1 for an unknown handle. */
int ws2_htab_lookup(struct ws2_htab *t, uint64_t h, uintptr_t *ctx);
/** @return 0 and the freed handle's *ctx, or -1 for an unknown handle. */
int ws2_htab_free(struct ws2_htab *t, uint64_t h, uintptr_t *ctx);
unsigned ws2_htab_live(struct ws2_htab *t);

extern struct ws2_htab ws2_sockets;

/* ws2_startup.c */
extern WSPPROC_TABLE ws2_procs;	/* latest table from WSAStartup */
bool ws2_started(void);
unsigned ws2_catalog_count(void);
const WSAPROTOCOL_INFOW *ws2_catalog_get(unsigned i);
/** Set the calling thread's last error; returns SOCKET_ERROR. */
int ws2_fail(int err);

/* ws2_event.c */
/** The calling thread's WSATHREADID, as Ws2_32 passes to the provider. */
void ws2_thread_id(LPWSATHREADID id);
BOOL WSPAPI ws2_wpu_close_event(WSAEVENT h, LPINT err);
WSAEVENT WSPAPI ws2_wpu_create_event(LPINT err);
BOOL WSPAPI ws2_wpu_set_event(WSAEVENT h, LPINT err);
BOOL WSPAPI ws2_wpu_reset_event(WSAEVENT h, LPINT err);
int WSPAPI ws2_wpu_queue_apc(LPWSATHREADID tid, LPWSAUSERAPC fn,
	DWORD_PTR ctx, LPINT err);
int WSPAPI ws2_wpu_open_current_thread(LPWSATHREADID tid, LPINT err);
int WSPAPI ws2_wpu_close_thread(LPWSATHREADID tid, LPINT err);
BOOL WSPAPI ws2_wpu_post_message(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp);

/* ws2_iocp.c */
/**
 * Queue s's completion packet on its port, if it has one and the caller's
 * hEvent (hevent, as the caller set it) does not have bit 0 set.
 */
void ws2_iocp_complete(SOCKET s, LPOVERLAPPED ov, uintptr_t hevent,
	DWORD error, DWORD bytes);
/** Drop s's association (its handle is being closed). */
void ws2_iocp_forget(SOCKET s);

/* ws2_handle.c */
SOCKET WSPAPI ws2_wpu_create_socket_handle(DWORD catalog_id, DWORD_PTR ctx,
	LPINT err);
int WSPAPI ws2_wpu_query_socket_handle_context(SOCKET s, PDWORD_PTR ctx,
	LPINT err);
int WSPAPI ws2_wpu_close_socket_handle(SOCKET s, LPINT err);
SOCKET WSPAPI ws2_wpu_modify_ifs_handle(DWORD catalog_id, SOCKET proposed,
	LPINT err);
int WSPAPI ws2_wpu_fd_is_set(SOCKET s, fd_set *set);

#endif /* _WS2_PRIV_H_ */
