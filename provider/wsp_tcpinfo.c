/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIO_TCP_INFO: a connection's state and counters as TCP_INFO_v0 or
 * TCP_INFO_v1 (mstcpip.h), from the dataplane's snapshot (taken by the
 * connection's owner lcore, dp_sock_tcp_info).
 *
 * Errors as WSAIoctl documents them for any control code: a missing or
 * short input or output buffer is WSAEFAULT ("cbInBuffer or cbOutBuffer
 * is too small"); a version other than 0 or 1, or a socket that is not
 * TCP, is WSAEINVAL ("a specified input parameter is not acceptable, or
 * the command is not applicable to the type of socket").
 */
#include <stddef.h>
#include <string.h>

#include "dp_sock.h"
#include "wsp_error.h"
#include "wsp_sock.h"
#include "wsp_stream.h"

/* Microsoft's layout, which mingw-w64's mstcpip.h (RS5) also has. */
_Static_assert(sizeof(TCP_INFO_v0) == 88, "TCP_INFO_v0");
_Static_assert(offsetof(TCP_INFO_v0, TimestampsEnabled) == 16, "v0 TS");
_Static_assert(offsetof(TCP_INFO_v0, BytesOut) == 48, "v0 BytesOut");
_Static_assert(offsetof(TCP_INFO_v0, SynRetrans) == 84, "v0 SynRetrans");
_Static_assert(sizeof(TCP_INFO_v1) == 136, "TCP_INFO_v1");
_Static_assert(offsetof(TCP_INFO_v1, SndLimTransRwin) == 88, "v1 Rwin");
_Static_assert(offsetof(TCP_INFO_v1, SndLimBytesSnd) == 128, "v1 Snd");

/* v1 begins as v0 does. */
static void
fill(TCP_INFO_v1 *t, const struct dp_tcp_info *i)
{
	memset(t, 0, sizeof(*t));
	t->State = (TCPSTATE)i->state;	/* RFC 9293's order, as ours */
	t->Mss = i->mss;
	t->ConnectionTimeMs = i->conn_ms;
	t->TimestampsEnabled = i->timestamps;
	t->RttUs = i->rtt_us;
	t->MinRttUs = i->min_rtt_us;
	t->BytesInFlight = i->in_flight;
	t->Cwnd = i->cwnd;
	t->SndWnd = i->snd_wnd;
	t->RcvWnd = i->rcv_wnd;
	t->RcvBuf = i->rcv_buf;
	t->BytesOut = i->bytes_out;
	t->BytesIn = i->bytes_in;
	t->BytesReordered = i->bytes_reordered;
	t->BytesRetrans = i->bytes_retrans;
	t->FastRetrans = i->fast_retrans;
	t->DupAcksIn = i->dupacks_in;
	t->TimeoutEpisodes = i->timeouts;
	t->SynRetrans = i->syn_retrans;
	t->SndLimTransRwin = i->lim_trans[0];
	t->SndLimTimeRwin = i->lim_ms[0];
	t->SndLimBytesRwin = i->lim_bytes[0];
	t->SndLimTransCwnd = i->lim_trans[1];
	t->SndLimTimeCwnd = i->lim_ms[1];
	t->SndLimBytesCwnd = i->lim_bytes[1];
	t->SndLimTransSnd = i->lim_trans[2];
	t->SndLimTimeSnd = i->lim_ms[2];
	t->SndLimBytesSnd = i->lim_bytes[2];
}

int
wsp_stream_tcp_info(struct wsp_sock *ws, const void *in, DWORD inlen,
		void *out, DWORD outlen, LPDWORD ret)
{
	struct dp_tcp_info i;
	TCP_INFO_v1 t;
	DWORD ver, n;
	int err;

	if (in == NULL || inlen < sizeof(ver))
		return WSAEFAULT;
	memcpy(&ver, in, sizeof(ver));
	if (ver > 1)
		return WSAEINVAL;
	n = ver == 0 ? sizeof(TCP_INFO_v0) : sizeof(TCP_INFO_v1);
	if (out == NULL || outlen < n)
		return WSAEFAULT;
	if (!wsp_sock_is_stream(ws))
		return WSAEINVAL;
	err = dp_sock_tcp_info(ws->dp, &i);
	if (err != 0)
		return err == -EOPNOTSUPP ? WSAEINVAL :
			wsp_error_from_errno(err);
	fill(&t, &i);
	/* v0 is v1's first 85 bytes; its tail padding stays zero. */
	if (ver == 0) {
		TCP_INFO_v0 t0;

		memset(&t0, 0, sizeof(t0));
		memcpy(&t0, &t, offsetof(TCP_INFO_v0, SynRetrans) + 1);
		memcpy(out, &t0, sizeof(t0));
	} else {
		memcpy(out, &t, sizeof(t));
	}
	*ret = n;
	return 0;
}
