/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: Winsock call sequences against the provider.
 *
 * The provider is really loaded (tests/ws2 dlopens a clang-built,
 * sanitized libwspdk) and its dataplane really runs: EAL without
 * hugepages or PCI, lcores polling a "pair:" device whose far end is
 * fuzz_api_wire.c. Each input is a bounded sequence of operations over
 * a few socket slots: socket, bind, connect/disconnect, the send and
 * receive families (several WSABUFs, flags valid and not, overlapped with
 * events or completion routines), WSAGetOverlappedResult, shutdown,
 * closesocket after SO_LINGER variants, setsockopt/getsockopt over every
 * option the provider knows and some it does not, ioctlsocket/WSAIoctl,
 * select, getsockname/getpeername, and frames on the wire.
 *
 * Every buffer a call is given (option values, addresses and their
 * lengths, WSABUF arrays and their data, fd_sets, timevals, ioctl
 * buffers, WSAOVERLAPPEDs, byte counts and flags) is a heap block of
 * exactly the size the call is told, so ASan sees a one-byte overrun.
 *
 * Oracles, beyond the sanitizers:
 *  - a failed call's WSAGetLastError() is one Winsock documents for it
 *    (the tables below; winsock-spi.md §2 and the LPWSPxxx pages);
 *  - an overlapped call completes once if it succeeded or pended and
 *    never if it failed; a completion is never lost (closing its socket
 *    ends it, WSA_OPERATION_ABORTED); completed WSAOVERLAPPEDs and
 *    buffers are freed at once, so a late write is a use-after-free;
 *  - after each input every socket is closed, every handle released and
 *    the dataplane's mbufs back at the baseline within a bounded wait.
 * Every loop and wait is bounded; blocking calls only run with short
 * SO_RCVTIMEO/SO_SNDTIMEO and linger timeouts the fuzzer sets first.
 */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_api.h"
#include "ws2.h"

#ifndef FUZZ_API_PROVIDER
#define FUZZ_API_PROVIDER	"libwspdk_fuzz.so"
#endif

#define NSLOT		6	/* sockets an input plays with */
#define NOPS		16	/* overlapped operations in flight */
#define MAX_STEPS	64	/* operations per input */
#define MAX_BUFS	20	/* WSABUFs per call (past the provider's 16) */
#define END_WAIT_MS	3000	/* completions and mbufs after an input */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/*
 * LeakSanitizer's stop-the-world tracer dies (SIGSEGV) scanning a process
 * with EAL's memory and lcore threads, per input and at exit alike. What
 * an input must give back (mbufs, socket handles, events) is counted by
 * finish() instead.
 */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

/*
 * What Winsock documents for each call: the main codes of winsock-spi.md
 * §2 with the LPWSPxxx page's list, plus the four it says nearly every
 * call may return (WSAENETDOWN, WSAENOTSOCK, WSAEINPROGRESS, WSAEFAULT).
 */
enum call {
	C_SOCKET, C_BIND, C_CONNECT, C_SEND, C_SENDTO, C_RECV, C_GOR,
	C_SHUTDOWN, C_CLOSE, C_SETOPT, C_SETOPT_MC, C_GETOPT, C_IOCTL,
	C_SELECT, C_SOCKNAME, C_PEERNAME, C_NCALLS
};

#define COMMON	WSAENETDOWN, WSAENOTSOCK, WSAEINPROGRESS, WSAEFAULT
#define SEND_CODES COMMON, WSAEACCES, WSAEINTR, WSAENETRESET, WSAENOBUFS, \
	WSAENOTCONN, WSAEOPNOTSUPP, WSAESHUTDOWN, WSAEWOULDBLOCK, \
	WSAEMSGSIZE, WSAEHOSTUNREACH, WSAEINVAL, WSAECONNABORTED, \
	WSAECONNRESET, WSAETIMEDOUT, WSA_IO_PENDING, WSA_OPERATION_ABORTED
#define RECV_CODES COMMON, WSAENOTCONN, WSAEINTR, WSAENETRESET, \
	WSAEOPNOTSUPP, WSAESHUTDOWN, WSAEWOULDBLOCK, WSAEMSGSIZE, \
	WSAEINVAL, WSAECONNABORTED, WSAECONNRESET, WSAEDISCON, \
	WSAETIMEDOUT, WSA_IO_PENDING, WSA_OPERATION_ABORTED
#define IOCTL_CODES COMMON, WSAEINVAL, WSAEOPNOTSUPP, WSAENOPROTOOPT, \
	WSAEWOULDBLOCK, WSA_IO_PENDING, WSA_OPERATION_ABORTED

static const int codes_socket[] = { COMMON, WSAEAFNOSUPPORT, WSAEMFILE,
	WSAENOBUFS, WSAEPROTONOSUPPORT, WSAEPROTOTYPE, WSAESOCKTNOSUPPORT,
	WSAEINVAL, 0 };
/* Another family: LPWSPBind documents WSAEFAULT, Windows is reported to
 * return WSAEAFNOSUPPORT, which the provider does (test_udp_socket.c). */
static const int codes_bind[] = { COMMON, WSAEACCES, WSAEADDRINUSE,
	WSAEADDRNOTAVAIL, WSAEINVAL, WSAENOBUFS, WSAEAFNOSUPPORT, 0 };
static const int codes_connect[] = { COMMON, WSAEADDRINUSE, WSAEINTR,
	WSAEALREADY, WSAEADDRNOTAVAIL, WSAEAFNOSUPPORT, WSAECONNREFUSED,
	WSAEINVAL, WSAEISCONN, WSAENETUNREACH, WSAEHOSTUNREACH, WSAENOBUFS,
	WSAETIMEDOUT, WSAEWOULDBLOCK, WSAEACCES, WSAEOPNOTSUPP,
	WSAEPROTONOSUPPORT, 0 };
static const int codes_send[] = { SEND_CODES, 0 };
static const int codes_sendto[] = { SEND_CODES, WSAEADDRNOTAVAIL,
	WSAEAFNOSUPPORT, WSAEDESTADDRREQ, WSAENETUNREACH, 0 };
static const int codes_recv[] = { RECV_CODES, 0 };
static const int codes_gor[] = { COMMON, WSA_INVALID_HANDLE,
	WSA_INVALID_PARAMETER, WSA_IO_INCOMPLETE, 0 };
static const int codes_shutdown[] = { COMMON, WSAEINVAL, WSAENOTCONN, 0 };
static const int codes_close[] = { COMMON, WSAEINTR, WSAEWOULDBLOCK, 0 };
static const int codes_setopt[] = { COMMON, WSAEINVAL, WSAENETRESET,
	WSAENOPROTOOPT, WSAENOTCONN, 0 };
/* Group membership and IP_MULTICAST_IF (RFC 3678 semantics, README):
 * not a member / not our address, and no room for another group. */
static const int codes_setopt_mc[] = { COMMON, WSAEINVAL, WSAENETRESET,
	WSAENOPROTOOPT, WSAENOTCONN, WSAEADDRNOTAVAIL, WSAENOBUFS, 0 };
static const int codes_getopt[] = { COMMON, WSAEINVAL, WSAENOPROTOOPT, 0 };
static const int codes_ioctl[] = { IOCTL_CODES, 0 };
static const int codes_select[] = { COMMON, WSAEINVAL, WSAEINTR, 0 };
static const int codes_sockname[] = { COMMON, WSAEINVAL, 0 };
static const int codes_peername[] = { COMMON, WSAENOTCONN, 0 };

static const struct {
	const char *name;
	const int *codes;
} calls[C_NCALLS] = {
	[C_SOCKET] = { "socket", codes_socket },
	[C_BIND] = { "bind", codes_bind },
	[C_CONNECT] = { "connect", codes_connect },
	[C_SEND] = { "send/WSASend", codes_send },
	[C_SENDTO] = { "sendto/WSASendTo", codes_sendto },
	[C_RECV] = { "recv/recvfrom/WSARecv/WSARecvFrom", codes_recv },
	[C_GOR] = { "WSAGetOverlappedResult", codes_gor },
	[C_SHUTDOWN] = { "shutdown", codes_shutdown },
	[C_CLOSE] = { "closesocket", codes_close },
	[C_SETOPT] = { "setsockopt", codes_setopt },
	[C_SETOPT_MC] = { "setsockopt (multicast)", codes_setopt_mc },
	[C_GETOPT] = { "getsockopt", codes_getopt },
	[C_IOCTL] = { "ioctlsocket/WSAIoctl", codes_ioctl },
	[C_SELECT] = { "select", codes_select },
	[C_SOCKNAME] = { "getsockname", codes_sockname },
	[C_PEERNAME] = { "getpeername", codes_peername },
};


static bool
documented(enum call c, int err)
{
	for (const int *p = calls[c].codes; *p != 0; p++)
		if (*p == err)
			return true;
	return false;
}

/* A call failed: its code must be one Winsock documents for it. */
static int
failed(enum call c)
{
	int err = WSAGetLastError();

	if (!documented(c, err))
		fa_die("%s failed with %d, which Winsock does not document "
			"for it", calls[c].name, err);
	return err;
}

/* Heap blocks of exactly n bytes (n = 0 included: any access is caught). */
static void *
hbuf(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		fa_die("out of memory (%zu bytes)", n);
	return p;
}

static void *
hdup(const void *src, size_t n)
{
	return memcpy(hbuf(n), src, n);
}

static int *
hint(int v)
{
	return hdup(&v, sizeof(v));
}

static DWORD *
hdword(DWORD v)
{
	return hdup(&v, sizeof(v));
}

/*
 * Sockets. The model keeps what decides whether a call may block: the
 * non-blocking mode as FIONBIO last set it.
 */
struct slot {
	SOCKET s;		/* INVALID_SOCKET: free */
	bool ovl;		/* made with WSA_FLAG_OVERLAPPED */
	bool nonblocking;
};

/*
 * Overlapped operations in flight. Completion routines count their
 * calls; events are polled through the result word (Internal), which
 * starts as a value neither the provider nor Ws2_32 ever writes.
 */
#define OV_UNTOUCHED	((ULONG_PTR)0x5afe)

struct op {
	bool live;
	enum call call;
	SOCKET s;
	WSAOVERLAPPED *ov;
	WSAEVENT ev;		/* WSA_INVALID_EVENT with a routine */
	bool routine;
	unsigned int completions;
	DWORD room;		/* bytes the data buffers hold */
	void *keep[MAX_BUFS + 2];	/* data buffers, from, fromlen */
	unsigned int nkeep;
};

static struct {
	struct slot slot[NSLOT];
	struct op op[NOPS];
	SOCKET last_closed;
	bool silent_used;	/* sent to an address that never answers ARP */
	unsigned long inputs;
} f;

static SOCKET
pick_socket(struct fa_in *in, struct slot **sl)
{
	uint8_t v = fa_u8(in);

	*sl = NULL;
	if (v < 0xf0) {
		*sl = &f.slot[v % NSLOT];
		return (*sl)->s;
	}
	if (v < 0xf8)
		return f.last_closed;
	return (SOCKET)fa_u32(in);
}

/* A handle was closed: whichever slot held it is free. */
static void
forget(SOCKET s)
{
	for (int i = 0; i < NSLOT; i++)
		if (f.slot[i].s == s)
			f.slot[i].s = INVALID_SOCKET;
	f.last_closed = s;
}

static void
set_int_opt(SOCKET s, int level, int name, int v)
{
	int *p = hint(v);

	setsockopt(s, level, name, (const char *)p, sizeof(*p));
	free(p);
}

/* Before a call that may block on a blocking socket: short timeouts. */
static void
guard_block(const struct slot *sl, SOCKET s)
{
	if (sl != NULL && sl->s == s && sl->nonblocking)
		return;
	set_int_opt(s, SOL_SOCKET, SO_RCVTIMEO, 1);
	set_int_opt(s, SOL_SOCKET, SO_SNDTIMEO, 1);
}

/* Linger with a timeout: at most 1 s, and 0 when a frame may wait for
 * an ARP answer that never comes (the close would wait it all out). */
static void
guard_linger(SOCKET s)
{
	LINGER *l = hbuf(sizeof(*l));
	int *len = hint(sizeof(*l));

	if (getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)l, len) == 0 &&
			l->l_onoff != 0 && (l->l_linger > 1 ||
			(l->l_linger == 1 && f.silent_used))) {
		l->l_linger = f.silent_used ? 0 : 1;
		setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)l,
			sizeof(*l));
	}
	free(l);
	free(len);
}

/*
 * Overlapped bookkeeping.
 */
static struct op *
op_find(const WSAOVERLAPPED *ov)
{
	for (int i = 0; i < NOPS; i++)
		if (f.op[i].live && f.op[i].ov == ov)
			return &f.op[i];
	return NULL;
}

static void
op_free(struct op *op)
{
	for (unsigned int i = 0; i < op->nkeep; i++)
		free(op->keep[i]);
	if (op->ev != WSA_INVALID_EVENT)
		WSACloseEvent(op->ev);
	free(op->ov);
	memset(op, 0, sizeof(*op));
}

/* The result of a finished operation, as the WSAOVERLAPPED holds it. */
static void
op_check_result(const struct op *op, DWORD err, DWORD bytes)
{
	if (err != 0 && !documented(op->call, (int)err))
		fa_die("an overlapped %s completed with %u, which Winsock does "
			"not document for it", calls[op->call].name, err);
	if (err == 0 && bytes > op->room)
		fa_die("an overlapped %s reports %u bytes, more than its "
			"buffers hold (%u)", calls[op->call].name, bytes,
			op->room);
}

static void CALLBACK
on_complete(DWORD err, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
	struct op *op = op_find(ov);

	(void)flags;
	if (op == NULL || !op->routine)
		fa_die("a completion routine ran for no operation in flight "
			"(%p)", (void *)ov);
	if (++op->completions > 1)
		fa_die("an overlapped %s completed %u times",
			calls[op->call].name, op->completions);
	op_check_result(op, err, bytes);
	op_free(op);
}

/* Event operations whose result word says done are over. */
static void
ops_poll(void)
{
	for (int i = 0; i < NOPS; i++) {
		struct op *op = &f.op[i];

		if (!op->live || op->routine ||
				__atomic_load_n(&op->ov->Internal,
				__ATOMIC_ACQUIRE) != 0)
			continue;
		op_check_result(op, op->ov->OffsetHigh,
			(DWORD)op->ov->InternalHigh);
		op_free(op);
	}
}

/* Run queued completion routines (alertable), then poll events. */
static void
alert(DWORD ms)
{
	for (int i = 0; i < 64; i++)
		if (SleepEx(i == 0 ? ms : 0, TRUE) != WSA_WAIT_IO_COMPLETION)
			break;
	ops_poll();
}

static unsigned int
ops_live(void)
{
	unsigned int n = 0;

	for (int i = 0; i < NOPS; i++)
		n += f.op[i].live;
	return n;
}

/*
 * An overlapped request as the caller builds it: a WSAOVERLAPPED of its
 * exact size with an event or a completion routine. NULL (no overlapped
 * call) when the input says so or no slot is free.
 */
static struct op *
op_new(struct fa_in *in, enum call c, SOCKET s,
		LPWSAOVERLAPPED_COMPLETION_ROUTINE *cr)
{
	uint8_t v = fa_u8(in);
	struct op *op = NULL;

	*cr = NULL;
	if (!(v & 1))
		return NULL;
	for (int i = 0; i < NOPS && op == NULL; i++)
		if (!f.op[i].live)
			op = &f.op[i];
	if (op == NULL)
		return NULL;
	memset(op, 0, sizeof(*op));
	op->call = c;
	op->s = s;
	op->ov = hbuf(sizeof(*op->ov));
	memset(op->ov, 0, sizeof(*op->ov));
	op->ov->Internal = OV_UNTOUCHED;
	op->routine = (v & 2) != 0;
	op->ev = op->routine ? WSA_INVALID_EVENT : WSACreateEvent();
	op->ov->hEvent = op->ev;
	if (op->routine)
		*cr = on_complete;
	op->live = true;
	return op;
}

static bool
event_set(WSAEVENT ev)
{
	return ev != WSA_INVALID_EVENT &&
		WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE) ==
		WSA_WAIT_EVENT_0;
}

/*
 * After the call: ret is its return (0 or SOCKET_ERROR), err the code.
 * A socket made without WSA_FLAG_OVERLAPPED ignores the WSAOVERLAPPED
 * (LPWSPSend, LPWSPRecv remarks): nothing is indicated then, as for a
 * call that failed other than with WSA_IO_PENDING.
 */
static void
op_started(struct op *op, const struct slot *sl, int ret, int err)
{
	bool ovl_socket = sl == NULL || sl->s != op->s || sl->ovl;

	if (ret == SOCKET_ERROR && err == WSA_IO_PENDING) {
		if (!ovl_socket)
			fa_die("%s pended on a socket made without "
				"WSA_FLAG_OVERLAPPED", calls[op->call].name);
		return;		/* stays live until it completes */
	}
	if ((ret == 0 && ovl_socket) || op->completions > 0)
		return;		/* completed now; indicated once */
	if (op->ov->Internal != OV_UNTOUCHED || event_set(op->ev))
		fa_die("%s indicated a completion although %s (%d)",
			calls[op->call].name, ret == 0 ? "it ignores "
			"overlapped requests" : "it failed", err);
	op_free(op);
}

/*
 * Buffers. WSABUF arrays and their data, each block exactly its size.
 */
static uint32_t
pick_len(struct fa_in *in, bool send)
{
	static const uint32_t lens[] = { 0, 1, 7, 64, 100, 548, 1472, 1473,
		1480, 2000, 8192, 65507, 65508 };
	uint8_t v = fa_u8(in);

	if (v < 0x80)
		return v & 0x3f;
	if (!send && v >= 0xf0)
		return fa_u16(in);
	return lens[v % (sizeof(lens) / sizeof(lens[0]))];
}

struct bufs {
	WSABUF *b;
	DWORD n;
	DWORD total;
	void *data[MAX_BUFS];
};

static void
bufs_make(struct fa_in *in, struct bufs *bf, bool send)
{
	uint8_t v = fa_u8(in);

	bf->n = v < 0xf0 ? v % 5 : (DWORD)(15 + v % 6);
	bf->b = bf->n > 0 ? hbuf(bf->n * sizeof(WSABUF)) : NULL;
	bf->total = 0;
	for (DWORD i = 0; i < bf->n; i++) {
		uint32_t len = pick_len(in, send);

		bf->data[i] = hbuf(len);
		if (send)
			fa_bytes(in, bf->data[i], len < 64 ? len : 64);
		bf->b[i].len = len;
		bf->b[i].buf = bf->data[i];
		bf->total += len;
	}
	/* A NULL buffer with a length: WSAEFAULT, never a crash. */
	if (bf->n > 0 && (v & 0xe0) == 0xe0 && v < 0xf0) {
		free(bf->data[0]);
		bf->data[0] = NULL;
		bf->b[0].buf = NULL;
	}
}

/* Give the data buffers to op (kept until it completes) or free them. */
static void
bufs_done(struct bufs *bf, struct op *op)
{
	for (DWORD i = 0; i < bf->n; i++) {
		if (op != NULL && op->live)
			op->keep[op->nkeep++] = bf->data[i];
		else
			free(bf->data[i]);
	}
	/* The array is transient: the provider captured it if it pended. */
	free(bf->b);
	if (op != NULL)
		op->room = bf->total;
}

/*
 * A sockaddr of the length the call is told (negative: none), with the
 * family, address and port the input picks.
 */
static struct sockaddr *
make_sa(struct fa_in *in, int *len)
{
	static const int lens[] = { 16, 16, 16, 16, 0, 8, 15, 17, 28, 128,
		-1 };
	static const uint16_t ports[] = { 0, 7, 9, 5000, 5001, 5002, 53 };
	struct sockaddr_in sin;
	uint8_t v = fa_u8(in), a = fa_u8(in), p = fa_u8(in);
	uint8_t *buf;

	*len = lens[v % (sizeof(lens) / sizeof(lens[0]))];
	if ((v & 0xf0) == 0xf0)
		return NULL;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = (v & 0x30) == 0x30 ? (a & 0x40 ? AF_UNSPEC :
		AF_INET6) : AF_INET;
	sin.sin_addr.s_addr = htonl(fa_addr_pick(a));
	sin.sin_port = htons(p < 0xe0 ? ports[p % (sizeof(ports) /
		sizeof(ports[0]))] : fa_u16(in));
	if (ntohl(sin.sin_addr.s_addr) == FA_SILENT)
		f.silent_used = true;
	buf = hbuf(*len > 0 ? (size_t)*len : 0);
	if (*len > 0) {
		memcpy(buf, &sin, *len < 16 ? (size_t)*len : 16);
		if (*len > 16)
			fa_bytes(in, buf + 16, (size_t)*len - 16);
	}
	return (struct sockaddr *)buf;
}

/*
 * The operations.
 */
static void
op_socket(struct fa_in *in)
{
	static const int afs[] = { AF_INET, AF_INET, AF_INET, 0, AF_INET6, 1,
		FROM_PROTOCOL_INFO };
	static const int types[] = { SOCK_DGRAM, SOCK_DGRAM, 0, SOCK_STREAM,
		SOCK_RAW, 99, FROM_PROTOCOL_INFO };
	static const int protos[] = { 0, IPPROTO_UDP, IPPROTO_UDP, IPPROTO_TCP,
		255, FROM_PROTOCOL_INFO };
	uint8_t v = fa_u8(in), w = fa_u8(in);
	WSAPROTOCOL_INFOW *info = NULL;
	struct slot *sl = NULL;
	SOCKET s;

	for (int i = 0; i < NSLOT && sl == NULL; i++)
		if (f.slot[i].s == INVALID_SOCKET)
			sl = &f.slot[i];
	if (sl == NULL)
		return;
	if ((w & 0x30) == 0x30 && ws2_stub_catalog_entry(w & 1) != NULL)
		info = hdup(ws2_stub_catalog_entry(w & 1), sizeof(*info));
	s = (v & 0x80) ? socket(afs[v % 7], types[(v >> 3) % 7],
		protos[w % 6]) : WSASocketW(afs[v % 7], types[(v >> 3) % 7],
		protos[w % 6], info, (w & 0xc0) == 0xc0 ? w : 0,
		(v & 0x40) ? WSA_FLAG_OVERLAPPED : (w & 0x8));
	free(info);
	if (s == INVALID_SOCKET) {
		failed(C_SOCKET);
		return;
	}
	sl->s = s;
	sl->ovl = (v & 0x80) || (v & 0x40);
	sl->nonblocking = false;
}

static void
op_bind(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	int len;
	struct sockaddr *sa = make_sa(in, &len);

	if (bind(s, sa, len) != 0)
		failed(C_BIND);
	free(sa);
}

static bool
is_stream(SOCKET s)
{
	int type = 0, len = sizeof(type);

	return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0 &&
		type == SOCK_STREAM;
}

/* A blocking stream connect waits out the SYN retries (minutes), which
 * no option shortens: streams connect non-blocking here. */
static void
guard_connect(struct slot *sl, SOCKET s)
{
	u_long on = 1;

	if (!is_stream(s))
		return;
	if (ioctlsocket(s, FIONBIO, &on) == 0 && sl != NULL && sl->s == s)
		sl->nonblocking = true;
}

static void
op_connect(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	uint8_t v = fa_u8(in);
	WSABUF *data = NULL;
	int len, ret;
	struct sockaddr *sa = make_sa(in, &len);

	if (v & 1) {
		data = hbuf(sizeof(*data));
		data->len = v >> 4;
		data->buf = data->len > 0 ? hbuf(data->len) : NULL;
	}
	guard_connect(sl, s);
	ret = (v & 2) || data != NULL ? WSAConnect(s, sa, len, data, NULL,
		NULL, NULL) : connect(s, sa, len);
	if (ret != 0)
		failed(C_CONNECT);
	if (data != NULL)
		free(data->buf);
	free(data);
	free(sa);
}

static DWORD
pick_flags(struct fa_in *in)
{
	static const DWORD fl[] = { 0, 0, 0, 0, MSG_PEEK, MSG_PEEK, MSG_OOB,
		MSG_DONTROUTE, MSG_WAITALL, MSG_PARTIAL, MSG_PEEK | MSG_OOB,
		MSG_INTERRUPT };
	uint8_t v = fa_u8(in);

	return v < 0xf0 ? fl[v % (sizeof(fl) / sizeof(fl[0]))] : fa_u32(in);
}

static void
check_count(enum call c, const DWORD *n, DWORD room)
{
	if (n != NULL && *n > room)
		fa_die("%s reports %u bytes, more than its buffers hold (%u)",
			calls[c].name, *n, room);
}

static void
op_send(struct fa_in *in, bool to)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	uint8_t v = fa_u8(in);
	DWORD flags = pick_flags(in), *sent = (v & 1) ? NULL : hdword(0);
	enum call c = to ? C_SENDTO : C_SEND;
	struct op *op = op_new(in, c, s, &cr);
	struct bufs bf;
	struct sockaddr *sa = NULL;
	int len = 0, ret, err = 0;

	bufs_make(in, &bf, true);
	if (to)
		sa = make_sa(in, &len);
	guard_block(sl, s);
	if (op == NULL && (v & 2) && bf.n == 1 && bf.b[0].len < 0x7fffffff)
		ret = to ? sendto(s, bf.b[0].buf, (int)bf.b[0].len, (int)flags,
			sa, len) : send(s, bf.b[0].buf, (int)bf.b[0].len,
			(int)flags);
	else
		ret = to ? WSASendTo(s, bf.b, bf.n, sent, flags, sa, len,
			op != NULL ? op->ov : NULL, cr) : WSASend(s, bf.b,
			bf.n, sent, flags, op != NULL ? op->ov : NULL, cr);
	if (ret == SOCKET_ERROR)
		err = failed(c);
	else if (op == NULL)
		check_count(c, sent, bf.total);
	if (op != NULL)
		op_started(op, sl, ret == SOCKET_ERROR ? ret : 0, err);
	bufs_done(&bf, op);
	free(sent);
	free(sa);
}

static void
op_recv(struct fa_in *in)
{
	static const int from_lens[] = { 16, 16, 16, 0, 15, 17, 64, -1 };
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	uint8_t v = fa_u8(in), w = fa_u8(in);
	DWORD *flags = (v & 1) ? NULL : hdword(pick_flags(in));
	DWORD *got = (v & 2) ? NULL : hdword(0);
	struct op *op = op_new(in, C_RECV, s, &cr);
	int *fromlen = NULL, ret, err = 0;
	struct sockaddr *from = NULL;
	struct bufs bf;

	bufs_make(in, &bf, false);
	if (v & 4) {
		fromlen = (w & 0x80) ? NULL : hint(from_lens[w % 8]);
		from = (w & 0x40) ? NULL : hbuf(fromlen != NULL &&
			*fromlen > 0 ? (size_t)*fromlen : 0);
	}
	guard_block(sl, s);
	ret = (v & 4) ? WSARecvFrom(s, bf.b, bf.n, got, flags, from, fromlen,
		op != NULL ? op->ov : NULL, cr) : WSARecv(s, bf.b, bf.n, got,
		flags, op != NULL ? op->ov : NULL, cr);
	if (ret == SOCKET_ERROR)
		err = failed(C_RECV);
	else if (op == NULL)
		check_count(C_RECV, got, bf.total);
	/* A stream ignores lpFrom and lpFromlen (WSARecvFrom remarks). */
	if (ret == 0 && fromlen != NULL && from != NULL && (is_stream(s) ?
			*fromlen != from_lens[w % 8] : *fromlen != 16))
		fa_die("recvfrom set fromlen to %d", *fromlen);
	if (op != NULL) {
		op_started(op, sl, ret, err);
		if (op->live && from != NULL) {
			op->keep[op->nkeep++] = from;
			op->keep[op->nkeep++] = fromlen;
			from = NULL;
			fromlen = NULL;
		}
	}
	bufs_done(&bf, op);
	free(flags);
	free(got);
	free(from);
	free(fromlen);
}

/* Plain recv/recvfrom, the stand-in's one-buffer path. */
static void
op_recv_plain(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	uint8_t v = fa_u8(in);
	int flags = (int)pick_flags(in), len = (int)pick_len(in, false), n;
	char *buf = hbuf((size_t)len);
	int *fromlen = hint((v & 2) ? 15 : 16);
	struct sockaddr *from = hbuf((size_t)*fromlen);

	guard_block(sl, s);
	n = (v & 1) ? recvfrom(s, buf, len, flags, from, fromlen) :
		recv(s, buf, len, flags);
	if (n == SOCKET_ERROR)
		failed(C_RECV);
	else if (n > len)
		fa_die("recv returned %d bytes, more than %d asked", n, len);
	free(buf);
	free(from);
	free(fromlen);
}

static void
op_get_result(struct fa_in *in)
{
	struct op *op = &f.op[fa_u8(in) % NOPS];
	uint8_t v = fa_u8(in);
	DWORD *bytes = (v & 1) ? NULL : hdword(0);
	DWORD *flags = (v & 2) ? NULL : hdword(0);
	bool done, ok;
	int err;

	if (!op->live)
		goto out;
	done = __atomic_load_n(&op->ov->Internal, __ATOMIC_ACQUIRE) == 0;
	/* Waiting is only bounded for an operation that is over. */
	ok = WSAGetOverlappedResult((v & 4) ? op->s : f.slot[v % NSLOT].s,
		op->ov, bytes, done && (v & 8), flags);
	if (ok)
		goto out;
	err = WSAGetLastError();
	if (!documented(C_GOR, err) && !documented(op->call, err))
		fa_die("WSAGetOverlappedResult failed with %d for an %s", err,
			calls[op->call].name);
	if (err == WSA_IO_INCOMPLETE && done)
		fa_die("WSAGetOverlappedResult: %s incomplete after its "
			"completion", calls[op->call].name);
out:
	free(bytes);
	free(flags);
	ops_poll();
}

static void
op_shutdown(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	uint8_t v = fa_u8(in);

	if (shutdown(s, v < 0xf0 ? v % 3 : (int)fa_u32(in)) != 0)
		failed(C_SHUTDOWN);
}

static void
op_close(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	uint8_t v = fa_u8(in);
	LINGER *l = hbuf(sizeof(*l));

	/* SO_DONTLINGER, abortive, a second, or what was set before. */
	l->l_onoff = (v & 3) != 0;
	l->l_linger = (v & 3) == 2 ? 1 : 0;
	if ((v & 3) != 3)
		setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)l,
			sizeof(*l));
	free(l);
	guard_linger(s);
	if (closesocket(s) == 0)
		forget(s);
	else if (failed(C_CLOSE) == WSAEWOULDBLOCK &&
			(sl == NULL || sl->s != s || !sl->nonblocking))
		fa_die("closesocket of a blocking socket failed "
			"WSAEWOULDBLOCK");
}

/* Options: everything the provider knows, and some it does not. */
static const struct optdef {
	int level, name, size;
	bool mc;
} optdefs[] = {
	{ SOL_SOCKET, SO_BROADCAST, 4, false },
	{ SOL_SOCKET, SO_REUSEADDR, 4, false },
	{ SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 4, false },
	{ SOL_SOCKET, SO_RCVBUF, 4, false },
	{ SOL_SOCKET, SO_SNDBUF, 4, false },
	{ SOL_SOCKET, SO_RCVTIMEO, 4, false },
	{ SOL_SOCKET, SO_SNDTIMEO, 4, false },
	{ SOL_SOCKET, SO_LINGER, 4, false },
	{ SOL_SOCKET, SO_DONTLINGER, 4, false },
	{ SOL_SOCKET, SO_TYPE, 4, false },
	{ SOL_SOCKET, SO_ERROR, 4, false },
	{ SOL_SOCKET, SO_PROTOCOL_INFOW, (int)sizeof(WSAPROTOCOL_INFOW),
		false },
	{ SOL_SOCKET, SO_PROTOCOL_INFOA, (int)sizeof(WSAPROTOCOL_INFOA),
		false },
	{ SOL_SOCKET, SO_MAX_MSG_SIZE, 4, false },
	{ SOL_SOCKET, SO_ACCEPTCONN, 4, false },
	{ SOL_SOCKET, SO_GROUP_ID, 4, false },
	{ SOL_SOCKET, SO_GROUP_PRIORITY, 4, false },
	{ SOL_SOCKET, SO_KEEPALIVE, 4, false },
	{ SOL_SOCKET, SO_OOBINLINE, 4, false },
	{ SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, 8, false },
	{ IPPROTO_IP, IP_TTL, 4, false },
	{ IPPROTO_IP, IP_TOS, 4, false },
	{ IPPROTO_IP, IP_MULTICAST_TTL, 4, false },
	{ IPPROTO_IP, IP_MULTICAST_LOOP, 4, false },
	{ IPPROTO_IP, IP_MULTICAST_IF, 4, true },
	{ IPPROTO_IP, IP_ADD_MEMBERSHIP, 8, true },
	{ IPPROTO_IP, IP_DROP_MEMBERSHIP, 8, true },
	{ IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, 12, true },
	{ IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, 12, true },
	{ IPPROTO_IP, IP_BLOCK_SOURCE, 12, true },
	{ IPPROTO_IP, IP_UNBLOCK_SOURCE, 12, true },
	{ IPPROTO_IP, IP_OPTIONS, 40, false },
	{ IPPROTO_IP, IP_HDRINCL, 4, false },
	{ IPPROTO_IP, IP_DONTFRAGMENT, 4, false },
	{ IPPROTO_IP, IP_PKTINFO, 4, false },
	{ IPPROTO_IP, IP_UNICAST_IF, 4, false },
	{ IPPROTO_UDP, 1, 4, false },
	{ IPPROTO_TCP, TCP_NODELAY, 4, false },
};

#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

static void
pick_opt(struct fa_in *in, int *level, int *name, int *size, bool *mc)
{
	uint8_t v = fa_u8(in);
	const struct optdef *o = &optdefs[v % NOPTDEFS];

	*level = o->level;
	*name = o->name;
	*size = o->size;
	*mc = o->mc;
	if (v >= 0xf8)
		*level = (int)fa_u32(in);
	else if (v >= 0xf0)
		*name = (int)fa_u32(in);
}

/* The length to tell: the natural one, one off, small, or any up to
 * 4 KB (a block of that size is allocated; no more). */
static int
pick_optlen(struct fa_in *in, int size)
{
	uint8_t v = fa_u8(in);

	if (v < 0xa0)
		return size;
	if (v < 0xc0)
		return (v & 1) ? size + 1 : size - 1;
	if (v < 0xf0)
		return v & 7;
	return v == 0xff ? -1 : v == 0xfe ? INT32_MIN :
		(int)(fa_u16(in) % 0x1001);
}

/* A membership request for the group and source the input picks. */
static void
fill_optval(struct fa_in *in, uint8_t *p, int len, bool mc)
{
	uint32_t a[3];

	if (len <= 0)
		return;
	if (mc) {
		a[0] = htonl(fa_addr_pick(fa_u8(in)) & 0xfffffff3u);
		a[1] = htonl(fa_addr_pick(fa_u8(in)));
		a[2] = htonl(fa_addr_pick(fa_u8(in)));
		memcpy(p, a, len < 12 ? (size_t)len : 12);
		if (len > 12)
			fa_bytes(in, p + 12, (size_t)len - 12);
		return;
	}
	fa_bytes(in, p, (size_t)len);
}

static void
op_setopt(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	int level, name, size, len;
	bool mc;
	uint8_t *val;

	pick_opt(in, &level, &name, &size, &mc);
	len = pick_optlen(in, size);
	val = (fa_u8(in) == 0xff) ? NULL : hbuf(len > 0 ? (size_t)len : 0);
	if (val != NULL)
		fill_optval(in, val, len, mc);
	if (setsockopt(s, level, name, (const char *)val, len) != 0)
		failed(mc ? C_SETOPT_MC : C_SETOPT);
	free(val);
}

static void
op_getopt(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	int level, name, size, told;
	bool mc;
	int *len;
	char *val;

	pick_opt(in, &level, &name, &size, &mc);
	told = pick_optlen(in, size);
	len = (fa_u8(in) == 0xfe) ? NULL : hint(told);
	val = (len != NULL && fa_u8(in) == 0xff) ? NULL :
		hbuf(told > 0 ? (size_t)told : 0);
	if (getsockopt(s, level, name, val, len) != 0)
		failed(C_GETOPT);
	else if (len != NULL && (*len > told || *len < 0))
		fa_die("getsockopt set optlen to %d, was told %d", *len, told);
	free(val);
	free(len);
}

static DWORD
pick_ioctl(struct fa_in *in)
{
	static const DWORD codes[] = { FIONBIO, FIONBIO, FIONREAD, FIONREAD,
		SIOCATMARK, FIOASYNC, SIO_UDP_CONNRESET, SIO_GET_INTERFACE_LIST,
		SIO_BASE_HANDLE, SIO_BSP_HANDLE, SIO_BSP_HANDLE_SELECT,
		SIO_BSP_HANDLE_POLL, SIO_GET_EXTENSION_FUNCTION_POINTER,
		SIO_QUERY_TARGET_PNP_HANDLE, SIO_ADDRESS_LIST_QUERY,
		SIO_ADDRESS_LIST_CHANGE, SIO_ROUTING_INTERFACE_QUERY,
		SIO_ROUTING_INTERFACE_CHANGE, SIO_KEEPALIVE_VALS,
		SIO_UDP_NETRESET };
	uint8_t v = fa_u8(in);
	DWORD code = v < 0xf0 ?
		codes[v % (sizeof(codes) / sizeof(codes[0]))] : fa_u32(in);

	/* WSAPoll in disguise waits as long as its input says (forever,
	 * with a negative timeout): tests/provider/poll covers it. */
	return code == SIO_EXT_POLL ? FIONREAD : code;
}

/* FIONBIO that succeeded: the model follows (ioctls read argp first). */
static void
note_fionbio(SOCKET s, DWORD code, const void *in, DWORD inlen)
{
	uint32_t v;

	if (code != FIONBIO || in == NULL || inlen < sizeof(v))
		return;
	memcpy(&v, in, sizeof(v));
	for (int i = 0; i < NSLOT; i++)
		if (f.slot[i].s == s)
			f.slot[i].nonblocking = v != 0;
}

static void
op_ioctlsocket(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	DWORD code = pick_ioctl(in);
	u_long *arg = (fa_u8(in) == 0xff) ? NULL : hbuf(sizeof(*arg));

	if (arg != NULL)
		*arg = fa_u8(in) & 1;
	if (ioctlsocket(s, (LONG)code, arg) != 0)
		failed(C_IOCTL);
	else
		note_fionbio(s, code, arg, sizeof(*arg));
	free(arg);
}

static DWORD
pick_iolen(struct fa_in *in)
{
	static const DWORD lens[] = { 0, 1, 3, 4, 4, 5, 7, 8, 8, 16, 76,
		sizeof(INTERFACE_INFO), 100, 1000 };
	uint8_t v = fa_u8(in);

	return lens[v % (sizeof(lens) / sizeof(lens[0]))];
}

static void
op_wsaioctl(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	LPWSAOVERLAPPED_COMPLETION_ROUTINE cr;
	DWORD code = pick_ioctl(in), inlen = pick_iolen(in);
	DWORD outlen = pick_iolen(in);
	uint8_t v = fa_u8(in);
	void *ib = (v & 1) ? NULL : hbuf(inlen);
	void *ob = (v & 2) ? NULL : hbuf(outlen);
	DWORD *ret = (v & 4) ? NULL : hdword(0);
	struct op *op = op_new(in, C_IOCTL, s, &cr);
	int r, err = 0;

	if (ib != NULL)
		fa_bytes(in, ib, inlen);
	r = WSAIoctl(s, code, ib, inlen, ob, outlen, ret,
		op != NULL ? op->ov : NULL, cr);
	if (r == SOCKET_ERROR) {
		err = failed(C_IOCTL);
	} else {
		note_fionbio(s, code, ib, inlen);
		check_count(C_IOCTL, op == NULL ? ret : NULL, outlen);
	}
	if (op != NULL) {
		op_started(op, sl, r, err);
		if (op->live)
			op->room = outlen;
	}
	free(ib);
	free(ob);
	free(ret);
}

/*
 * WSASendMsg with control data from the input, which the provider
 * parses, or WSARecvMsg into a control buffer and a name of the lengths
 * the input picks, which the provider fills: each buffer is a heap block
 * of exactly its length, so a byte written past it is caught.
 */
static void
op_msg(struct fa_in *in)
{
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	uint8_t v = fa_u8(in);
	DWORD clen = pick_iolen(in), dlen = (DWORD)pick_len(in, false);
	GUID id = (v & 1) ? (GUID)WSAID_WSASENDMSG : (GUID)WSAID_WSARECVMSG;
	char *ctl = hbuf(clen), *data = hbuf(dlen);
	WSABUF *b = hbuf(sizeof(*b));
	WSAMSG *m = hbuf(sizeof(*m));
	DWORD *n = hdword(0), ret = 0;
	int len = 0;
	void *fn = NULL;

	*b = (WSABUF){ dlen, data };
	*m = (WSAMSG){ .lpBuffers = b, .dwBufferCount = 1,
		.Control = { clen, (v & 2) ? NULL : ctl } };
	if (WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id),
			&fn, sizeof(fn), &ret, NULL, NULL) != 0) {
		failed(C_IOCTL);
		goto out;
	}
	if (v & 1) {
		fa_bytes(in, ctl, clen);
		m->name = make_sa(in, &len);
		m->namelen = len;
		guard_block(sl, s);
		if (((LPFN_WSASENDMSG)fn)(s, m, (v & 4) ? MSG_DONTROUTE : 0,
				n, NULL, NULL) != 0)
			failed(C_SENDTO);
	} else {
		m->namelen = (v & 4) ? 15 : 16;
		m->name = hbuf((size_t)m->namelen);
		m->dwFlags = (v & 8) ? MSG_PEEK : 0;
		guard_block(sl, s);
		if (((LPFN_WSARECVMSG)fn)(s, m, n, NULL, NULL) != 0)
			failed(C_RECV);
		else if (*n > dlen || m->Control.len > clen)
			fa_die("WSARecvMsg: %u bytes, %u of control, into "
				"%u and %u", *n, m->Control.len, dlen, clen);
	}
out:
	free(m->name);
	free(m);
	free(b);
	free(n);
	free(data);
	free(ctl);
}

/* One fd_set of exactly its count's size (a lying count: header only). */
static fd_set *
make_set(struct fa_in *in, u_int *count)
{
	uint8_t v = fa_u8(in);
	struct slot *sl;
	fd_set *set;
	SOCKET *arr;
	u_int n;

	if (v < 0x40)
		return NULL;
	n = v < 0xf0 ? v % 5 : v < 0xf8 ? 64 + (v & 1) :
		(v & 1) ? 0x80000001u : 3073;
	/* An application may define FD_SETSIZE past 64: the entries are an
	 * array of fd_count, whatever the header's type says. */
	if (n > 65) {
		/* Refused before any entry is read (issue 10 item 5); the
		 * stand-in itself reads the first one. */
		set = hbuf(offsetof(fd_set, fd_array) + sizeof(SOCKET));
	} else {
		set = hbuf(offsetof(fd_set, fd_array) + n * sizeof(SOCKET));
	}
	arr = (SOCKET *)((char *)set + offsetof(fd_set, fd_array));
	for (u_int i = 0; i < (n > 65 ? 1 : n); i++)
		arr[i] = pick_socket(in, &sl);
	set->fd_count = n;
	*count = n;
	return set;
}

static void
op_select(struct fa_in *in)
{
	static const LONG usecs[] = { 0, 0, 0, 1, 200, -1 };
	fd_set *sets[3];
	u_int count[3] = { 0 }, total = 0;
	uint8_t v = fa_u8(in);
	struct timeval *tv = hbuf(sizeof(*tv));
	int n;

	tv->tv_sec = (v & 0xc0) == 0xc0 ? -1 : 0;
	tv->tv_usec = usecs[v % 6];
	for (int i = 0; i < 3; i++) {
		sets[i] = make_set(in, &count[i]);
		total += count[i];
	}
	n = select(0, sets[0], sets[1], sets[2], tv);
	if (n == SOCKET_ERROR)
		failed(C_SELECT);
	else if ((u_int)n > total)
		fa_die("select counted %d ready sockets, more than %u given", n,
			total);
	for (int i = 0; i < 3; i++) {
		if (n != SOCKET_ERROR && sets[i] != NULL &&
				sets[i]->fd_count > count[i])
			fa_die("select grew a set from %u to %u", count[i],
				sets[i]->fd_count);
		free(sets[i]);
	}
	free(tv);
}

static void
op_names(struct fa_in *in)
{
	static const int lens[] = { 16, 16, 0, 15, 17, 128, -1 };
	struct slot *sl;
	SOCKET s = pick_socket(in, &sl);
	uint8_t v = fa_u8(in);
	int *len = (v & 0x80) ? NULL : hint(lens[v % 7]);
	struct sockaddr *sa = (v & 0x40) ? NULL : hbuf(len != NULL &&
		*len > 0 ? (size_t)*len : 0);
	bool peer = v & 0x20;

	if ((peer ? getpeername(s, sa, len) : getsockname(s, sa, len)) != 0)
		failed(peer ? C_PEERNAME : C_SOCKNAME);
	else if (len == NULL || *len != 16)
		fa_die("%s succeeded with a length of %d", peer ? "getpeername" :
			"getsockname", len != NULL ? *len : -1);
	free(sa);
	free(len);
}

/* The local ports of the open sockets, for frames to reach them. */
static unsigned int
bound_ports(uint16_t *ports)
{
	unsigned int n = 0;

	for (int i = 0; i < NSLOT; i++) {
		struct sockaddr_in *sin = hbuf(sizeof(*sin));
		int *len = hint(sizeof(*sin));

		if (f.slot[i].s != INVALID_SOCKET && getsockname(f.slot[i].s,
				(struct sockaddr *)sin, len) == 0)
			ports[n++] = ntohs(sin->sin_port);
		free(sin);
		free(len);
	}
	return n;
}

static void
op_inject(struct fa_in *in)
{
	uint16_t ports[NSLOT];
	unsigned int n = bound_ports(ports);

	for (unsigned int k = fa_u8(in) % 4 + 1; k > 0 && in->n > 0; k--)
		fa_wire_inject(in, ports, n);
}

static void
op_wait(struct fa_in *in)
{
	uint8_t v = fa_u8(in);
	WSAEVENT ev[NOPS];
	DWORD n = 0;

	for (int i = 0; i < NOPS; i++)
		if (f.op[i].live && f.op[i].ev != WSA_INVALID_EVENT)
			ev[n++] = f.op[i].ev;
	if ((v & 1) && n > 0)
		WSAWaitForMultipleEvents(n, ev, (v & 2) != 0, v >> 7, TRUE);
	alert(v >> 6 & 1);
	ops_poll();
}

static void
step(struct fa_in *in)
{
	switch (fa_u8(in) % 19) {
	case 0: op_socket(in); break;
	case 1: op_bind(in); break;
	case 2: op_connect(in); break;
	case 3: op_send(in, false); break;
	case 4: op_send(in, true); break;
	case 5: op_recv(in); break;
	case 6: op_recv_plain(in); break;
	case 7: op_get_result(in); break;
	case 8: op_shutdown(in); break;
	case 9: op_close(in); break;
	case 10: op_setopt(in); break;
	case 11: op_getopt(in); break;
	case 12: op_ioctlsocket(in); break;
	case 13: op_wsaioctl(in); break;
	case 14: op_select(in); break;
	case 15: op_names(in); break;
	case 16: op_inject(in); break;
	case 18: op_msg(in); break;
	default: op_wait(in); break;
	}
	fa_wire_pump();
	alert(0);
}

/*
 * End of an input: close what is open (gracefully or abortively, as
 * the input's last byte says), wait for every completion, check that
 * every handle went back and the mbufs came home.
 */
static void
finish(uint8_t how)
{
	char why[160];
	uint64_t waited = 0;

	for (int i = 0; i < NSLOT; i++) {
		SOCKET s = f.slot[i].s;

		if (s == INVALID_SOCKET)
			continue;
		/* SO_DONTLINGER TRUE, or SO_LINGER {1, 0} (an int 1 is
		 * l_onoff 1, l_linger 0 in the 4-byte LINGER). */
		set_int_opt(s, SOL_SOCKET, (how & 1) ? SO_DONTLINGER :
			SO_LINGER, 1);
		if (closesocket(s) != 0)
			fa_die("closing a socket at the end failed (%d)",
				WSAGetLastError());
		forget(s);
	}
	while (ops_live() > 0 && waited < END_WAIT_MS) {
		alert(1);
		waited++;
	}
	for (int i = 0; i < NOPS; i++)
		if (f.op[i].live)
			fa_die("an overlapped %s on a closed socket never "
				"completed (waited %lu ms)",
				calls[f.op[i].call].name,
				(unsigned long)waited);
	if (ws2_stub_socket_count() != 0)
		fa_die("%u socket handles left after closing every socket",
			ws2_stub_socket_count());
	if (ws2_stub_event_count() != 0)
		fa_die("%u events left", ws2_stub_event_count());
	if (!fa_wire_settle(END_WAIT_MS, why, sizeof(why)))
		fa_die("mbufs did not come home after input %lu: %s",
			f.inputs, why);
}

/*
 * Lcores poll without a pause, and every close waits for them to pass a
 * quiescent point: on the last CPUs, away from this thread, which takes
 * the others. Two lcores where that leaves this thread a CPU of its own.
 */
static const char *
place_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	static char lcores[32];
	cpu_set_t set;

	if (n < 2)
		return "0";
	CPU_ZERO(&set);
	for (long c = 0; c < (n >= 3 ? n - 2 : n - 1); c++)
		CPU_SET((int)c, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (n >= 3)
		snprintf(lcores, sizeof(lcores), "%ld,%ld", n - 2, n - 1);
	else
		snprintf(lcores, sizeof(lcores), "%ld", n - 1);
	return lcores;
}

/* The environment the provider reads; nothing else of WSPDK_* leaks in. */
static void
configure(void)
{
	extern char **environ;
	char eal[160], name[64];
	const char *lcores = getenv("FUZZ_API_LCORES");

	for (int k = 0; k < 64; k++) {
		size_t n;
		char **e;

		for (e = environ; *e != NULL; e++)
			if (strncmp(*e, "WSPDK_", 6) == 0)
				break;
		if (*e == NULL)
			break;
		n = strcspn(*e, "=");
		snprintf(name, sizeof(name), "%.*s", (int)n, *e);
		unsetenv(name);
	}
	snprintf(eal, sizeof(eal), "--no-huge -m 512 --no-telemetry "
		"--file-prefix=wspdkfapi%ld", (long)getpid());
	setenv("WSPDK_EAL_ARGS", eal, 1);
	setenv("WSPDK_DEVICE", "pair:" FA_RING, 1);
	setenv("WSPDK_IPV4", "198.18.0.2/24", 1);
	setenv("WSPDK_GATEWAY", "198.18.0.1", 1);
	setenv("WSPDK_STATIC_ARP", "198.18.0.1=02:00:c6:12:00:01", 1);
	setenv("WSPDK_MBUFS", "4095", 1);
	setenv("WSPDK_ARP_QLEN", "4", 1);
	setenv("WSPDK_LOG_LEVEL", "err", 1);
	if (lcores == NULL)
		lcores = place_threads();
	setenv("WSPDK_LCORES", lcores, 1);
	setenv("WSPDK_PROVIDER", getenv("FUZZ_API_PROVIDER_PATH") != NULL ?
		getenv("FUZZ_API_PROVIDER_PATH") : FUZZ_API_PROVIDER, 1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	WSADATA *d = hbuf(sizeof(*d));
	int ret;

	(void)argc;
	(void)argv;
	/* Before configure(), which drops nothing of FUZZ_*. */
	if (getenv("FUZZ_API_OSPATH") != NULL) {
		fa_netns_enter();
		fa_ospath_on = true;
	}
	configure();
	ret = WSAStartup(MAKEWORD(2, 2), d);
	free(d);
	if (ret != 0)
		fa_die("WSAStartup failed (%d)", ret);
	fa_wire_init(getenv("WSPDK_PROVIDER"),
		strchr(getenv("WSPDK_LCORES"), ',') != NULL ? 2 : 1);
	for (int i = 0; i < NSLOT; i++)
		f.slot[i].s = INVALID_SOCKET;
	f.last_closed = INVALID_SOCKET;
	fa_wire_set_baseline();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fa_in in = { data, size };

	f.inputs++;
	f.silent_used = false;
	for (int k = 0; k < MAX_STEPS && in.n > 0; k++)
		step(&in);
	finish(size > 0 ? data[size - 1] : 0);
	return 0;
}
