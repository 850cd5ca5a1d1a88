/* SPDX-License-Identifier: BSD-3-Clause */
/* An overlapped operation, for wsp_ovl.c and wsp_ovl_zc.c only. */
#ifndef _WSP_OVL_PRIV_H_
#define _WSP_OVL_PRIV_H_

#include <stdbool.h>
#include <stdint.h>

#include "dp_sock.h"
#include "wsp_abi.h"

struct ovl_op {
	struct ovl_op *next;
	struct wsp_sock *ws;		/* holds a reference */
	LPWSAOVERLAPPED ov;
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	WSATHREADID tid;
	bool own_tid;			/* tid is closed when the op ends */
	struct sockaddr *from;		/* caller keeps them valid */
	LPINT fromlen;
	LPWSAMSG msg;			/* WSARecvMsg's, or NULL */
	struct dp_iov *iov;		/* nbufs, after bufs */
	DWORD nbufs;
	int dp_flags;			/* DP_F_PEEK or 0 */
	/* stream sends and MSG_WAITALL receives: iov[cur..] is what is
	 * left, done of total moved */
	bool send, waitall;
	DWORD cur, done, total;
	struct dp_addr dst;		/* sends: lpTo, if has_dst */
	bool has_dst;
	struct wsp_ovl_ext *ext;	/* an extension op, or NULL */
	/* zero-copy sends */
	bool zc;
	uint32_t zc_refs;		/* (a) dataplane calls not released
					 * + 1 until all is queued */
	DWORD zc_err;			/* (a) a send's error, first wins */
	bool zc_cut;			/* (a) a release saw the connection
					 * end before all was ACKed */
	struct ovl_op *zc_next;		/* on zc_done */
	WSABUF bufs[];
};

/* After the op's completion (its APC queued) or its abort. */
void wsp_ovl_op_free(struct ovl_op *op);

/* wsp_ovl_zc.c: whether an overlapped send goes zero-copy (a stream
 * with SO_SNDBUF 0; the op is then set up for it), its bytes queued,
 * its own reference dropped once all is queued (or no more will be),
 * and a close's reset of ws that waits for its buffers. */
bool wsp_ovl_zc_start(struct ovl_op *op, const struct dp_addr *dst);
long wsp_ovl_zc_send(struct ovl_op *op, const struct dp_iov *iov, DWORD n);
void wsp_ovl_zc_queued(struct ovl_op *op, bool notify);
void wsp_ovl_zc_abort(struct wsp_sock *ws, bool notify);

#endif
