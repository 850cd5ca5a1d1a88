/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control calls: WSPSetSockOpt/WSPGetSockOpt, WSPIoctl, WSPSelect and
 * WSPAddressToString/WSPStringToAddress (reached through the proc table,
 * as Ws2_32 does when we are the first provider of the family).
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "udp_api.h"

static int
getopt_int(SOCKET s, int level, int name)
{
	int v = -12345, len = sizeof(v);

	PT_OK(getsockopt(s, level, name, (char *)&v, &len));
	CU_ASSERT_EQUAL(len, sizeof(v));
	return v;
}

/* ---- socket options ---- */

/* SO_RCVBUF and SO_SNDBUF start at 64 KB and read back what was set. */
static void
test_sockopt_buffer_sizes_round_trip(void)
{
	SOCKET s = ua_udp();

	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_RCVBUF), 65536);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_SNDBUF), 65536);
	pt_setopt_int(s, SOL_SOCKET, SO_RCVBUF, 200000);
	pt_setopt_int(s, SOL_SOCKET, SO_SNDBUF, 4096);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_RCVBUF), 200000);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_SNDBUF), 4096);
	pt_close(s);
}

/* A negative buffer size: WSAEINVAL. */
static void
test_sockopt_negative_buffer_size_fails_einval(void)
{
	SOCKET s = ua_udp();
	int v = -1;

	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v, sizeof(v)),
		WSAEINVAL);
	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_SNDBUF, (char *)&v, sizeof(v)),
		WSAEINVAL);
	pt_close(s);
}

/* SO_REUSEADDR and SO_BROADCAST start FALSE and read back TRUE once
 * set, also from a one-byte value. */
static void
test_sockopt_bool_options_round_trip(void)
{
	SOCKET s = ua_udp();
	char on = 1;

	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_REUSEADDR), FALSE);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_BROADCAST), FALSE);
	pt_setopt_int(s, SOL_SOCKET, SO_REUSEADDR, 7);
	PT_OK(setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on, 1));
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_REUSEADDR), TRUE);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_BROADCAST), TRUE);
	pt_setopt_int(s, SOL_SOCKET, SO_BROADCAST, 0);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_BROADCAST), FALSE);
	pt_close(s);
}

/* SO_EXCLUSIVEADDRUSE on a socket with SO_REUSEADDR: WSAEINVAL. */
static void
test_sockopt_exclusive_after_reuseaddr_fails_einval(void)
{
	SOCKET s = ua_udp();
	int on = 1;

	pt_setopt_int(s, SOL_SOCKET, SO_REUSEADDR, 1);
	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (char *)&on,
		sizeof(on)), WSAEINVAL);
	pt_close(s);
}

/* SO_LINGER reads back what was set; SO_DONTLINGER is its l_onoff
 * inverted, and setting it keeps l_linger. */
static void
test_sockopt_linger_and_dontlinger_agree(void)
{
	SOCKET s = ua_udp();
	LINGER l = { .l_onoff = 1, .l_linger = 5 }, got;
	int len = sizeof(got);

	PT_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&got, &len));
	CU_ASSERT_EQUAL(got.l_onoff, 0);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_DONTLINGER), TRUE);
	PT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&l, sizeof(l)));
	len = sizeof(got);
	PT_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&got, &len));
	CU_ASSERT_EQUAL(len, sizeof(LINGER));
	CU_ASSERT_EQUAL(got.l_onoff, 1);
	CU_ASSERT_EQUAL(got.l_linger, 5);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_DONTLINGER), FALSE);
	pt_setopt_int(s, SOL_SOCKET, SO_DONTLINGER, 1);
	len = sizeof(got);
	PT_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&got, &len));
	CU_ASSERT_EQUAL(got.l_onoff, 0);
	CU_ASSERT_EQUAL(got.l_linger, 5);
	pt_setopt_int(s, SOL_SOCKET, SO_DONTLINGER, 0);
	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_DONTLINGER), FALSE);
	pt_close(s);
}

/* SO_TYPE is SOCK_DGRAM and cannot be set (WSAENOPROTOOPT). */
static void
test_sockopt_type_is_dgram_and_read_only(void)
{
	SOCKET s = ua_udp();
	int v = SOCK_STREAM;

	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&v, sizeof(v)),
		WSAENOPROTOOPT);
	pt_close(s);
}

/* SO_ERROR is 0 on a socket with no pending error. */
static void
test_sockopt_error_is_zero_without_error(void)
{
	SOCKET s = ua_bound(NULL);

	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	pt_close(s);
}

/* SO_PROTOCOL_INFOW is the UDP catalog entry, XP1_IFS_HANDLES clear. */
static void
test_sockopt_protocol_info_is_udp_entry_without_ifs(void)
{
	const WSAPROTOCOL_INFOW *e = ua_udp_entry();
	WSAPROTOCOL_INFOW pi;
	int len = sizeof(pi);
	SOCKET s = ua_udp();

	PT_OK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&pi,
		&len));
	CU_ASSERT_EQUAL(len, sizeof(WSAPROTOCOL_INFOW));
	CU_ASSERT_EQUAL(pi.dwServiceFlags1 & XP1_IFS_HANDLES, 0);
	CU_ASSERT_EQUAL(pi.iAddressFamily, AF_INET);
	CU_ASSERT_EQUAL(pi.iSocketType, SOCK_DGRAM);
	CU_ASSERT_EQUAL(pi.iProtocol, IPPROTO_UDP);
	CU_ASSERT_EQUAL(pi.dwCatalogEntryId, e->dwCatalogEntryId);
	CU_ASSERT_EQUAL(memcmp(&pi.ProviderId, &e->ProviderId,
		sizeof(GUID)), 0);
	len = sizeof(pi) - 1;
	PT_FAILS(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&pi,
		&len), WSAEFAULT);
	pt_close(s);
}

/* SO_MAX_MSG_SIZE is the largest IPv4 UDP payload, 65507. */
static void
test_sockopt_max_msg_size_is_65507(void)
{
	SOCKET s = ua_udp();

	CU_ASSERT_EQUAL(getopt_int(s, SOL_SOCKET, SO_MAX_MSG_SIZE), 65507);
	pt_close(s);
}

/* IP_TTL (default 128) and IP_TOS read back what was set; a TTL over
 * 255: WSAEINVAL. */
static void
test_sockopt_ip_ttl_and_tos_round_trip(void)
{
	SOCKET s = ua_udp();
	int v = 256;

	CU_ASSERT_EQUAL(getopt_int(s, IPPROTO_IP, IP_TTL), 128);
	pt_setopt_int(s, IPPROTO_IP, IP_TTL, 5);
	pt_setopt_int(s, IPPROTO_IP, IP_TOS, 0x10);
	CU_ASSERT_EQUAL(getopt_int(s, IPPROTO_IP, IP_TTL), 5);
	CU_ASSERT_EQUAL(getopt_int(s, IPPROTO_IP, IP_TOS), 0x10);
	PT_FAILS(setsockopt(s, IPPROTO_IP, IP_TTL, (char *)&v, sizeof(v)),
		WSAEINVAL);
	pt_close(s);
}

/* An option the level does not know: WSAENOPROTOOPT. */
static void
test_sockopt_unknown_option_fails_enoprotoopt(void)
{
	SOCKET s = ua_udp();
	int v = 1, len = sizeof(v);

	PT_FAILS(setsockopt(s, SOL_SOCKET, 0x7777, (char *)&v, sizeof(v)),
		WSAENOPROTOOPT);
	PT_FAILS(getsockopt(s, SOL_SOCKET, 0x7777, (char *)&v, &len),
		WSAENOPROTOOPT);
	PT_FAILS(getsockopt(s, IPPROTO_IP, 0x7777, (char *)&v, &len),
		WSAENOPROTOOPT);
	pt_close(s);
}

/* A level that does not exist: WSAEINVAL. */
static void
test_sockopt_unknown_level_fails_einval(void)
{
	SOCKET s = ua_udp();
	int v = 1, len = sizeof(v);

	PT_FAILS(setsockopt(s, 0x1234, SO_BROADCAST, (char *)&v, sizeof(v)),
		WSAEINVAL);
	PT_FAILS(getsockopt(s, 0x1234, SO_BROADCAST, (char *)&v, &len),
		WSAEINVAL);
	pt_close(s);
}

/* A NULL value, NULL length, or one too short: WSAEFAULT. */
static void
test_sockopt_null_or_short_buffer_fails_efault(void)
{
	SOCKET s = ua_udp();
	int v = 1, len = sizeof(v) - 1;
	LINGER l = { 1, 1 };

	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_RCVBUF, NULL, sizeof(v)),
		WSAEFAULT);
	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v, 0),
		WSAEFAULT);
	PT_FAILS(setsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&l,
		sizeof(l) - 1), WSAEFAULT);
	PT_FAILS(getsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v, &len),
		WSAEFAULT);
	PT_FAILS(getsockopt(s, SOL_SOCKET, SO_RCVBUF, (char *)&v, NULL),
		WSAEFAULT);
	len = sizeof(v);
	PT_FAILS(getsockopt(s, SOL_SOCKET, SO_RCVBUF, NULL, &len), WSAEFAULT);
	pt_close(s);
}

/* ---- WSPIoctl ---- */

/* FIONREAD is every payload byte queued, not just the first datagram. */
static void
test_ioctl_fionread_counts_all_queued_bytes(void)
{
	struct sockaddr_in to;
	SOCKET rx = ua_bound(&to), tx = ua_udp();
	char buf[64] = { 0 };
	u_long n = 0;
	double t0 = pt_ms();

	PT_OK(ioctlsocket(rx, FIONREAD, &n));
	CU_ASSERT_EQUAL(n, 0);
	for (int len = 10; len <= 30; len += 10)
		CU_ASSERT_EQUAL(sendto(tx, buf, len, 0, PT_SA(to), PT_SIN_LEN),
			len);
	while (n < 60 && pt_ms() - t0 < PT_WAIT_MS)
		PT_OK(ioctlsocket(rx, FIONREAD, &n));
	CU_ASSERT_EQUAL(n, 60);
	CU_ASSERT_EQUAL(ua_recv(rx, buf, sizeof(buf), NULL, PT_WAIT_MS), 10);
	PT_OK(ioctlsocket(rx, FIONREAD, &n));
	CU_ASSERT_EQUAL(n, 50);
	pt_close(rx);
	pt_close(tx);
}

/* SIO_GET_INTERFACE_LIST lists our interface: 198.18.0.2/24, up. */
static void
test_ioctl_interface_list_reports_our_address(void)
{
	INTERFACE_INFO ii[4];
	DWORD n = 0;
	SOCKET s = ua_udp();

	PT_OK(WSAIoctl(s, SIO_GET_INTERFACE_LIST, NULL, 0, ii, sizeof(ii), &n,
		NULL, NULL));
	CU_ASSERT_EQUAL(n, sizeof(INTERFACE_INFO));
	CU_ASSERT(ii[0].iiFlags & IFF_UP);
	CU_ASSERT_EQUAL(ii[0].iiAddress.AddressIn.sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohl(ii[0].iiAddress.AddressIn.sin_addr.s_addr),
		PT_IP);
	CU_ASSERT_EQUAL(ntohl(ii[0].iiNetmask.AddressIn.sin_addr.s_addr),
		0xffffff00u);
	PT_FAILS(WSAIoctl(s, SIO_GET_INTERFACE_LIST, NULL, 0, ii,
		sizeof(ii[0]) - 1, &n, NULL, NULL), WSAEFAULT);
	pt_close(s);
}

/* SIO_BASE_HANDLE (and the BSP queries) answer our own handle: we are
 * the base provider. */
static void
test_ioctl_base_handle_is_own_handle(void)
{
	static const DWORD codes[] = {
		SIO_BASE_HANDLE, SIO_BSP_HANDLE, SIO_BSP_HANDLE_SELECT,
		SIO_BSP_HANDLE_POLL,
	};
	SOCKET s = ua_udp(), h;
	DWORD n;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		h = INVALID_SOCKET;
		n = 0;
		PT_OK(WSAIoctl(s, codes[i], NULL, 0, &h, sizeof(h), &n, NULL,
			NULL));
		CU_ASSERT_EQUAL(n, sizeof(SOCKET));
		CU_ASSERT_EQUAL(h, s);
	}
	PT_FAILS(WSAIoctl(s, SIO_BASE_HANDLE, NULL, 0, &h, sizeof(h) - 1, &n,
		NULL, NULL), WSAEFAULT);
	pt_close(s);
}

/* A control code nobody defined: WSAEINVAL. */
static void
test_ioctl_unknown_code_fails_einval(void)
{
	SOCKET s = ua_udp();
	u_long v = 0;
	DWORD n;

	PT_FAILS(WSAIoctl(s, 0x12345678, &v, sizeof(v), &v, sizeof(v), &n,
		NULL, NULL), WSAEINVAL);
	PT_FAILS(ioctlsocket(s, 0x4004660f, &v), WSAEINVAL);
	pt_close(s);
}

/* No input where one is needed, no room for the output, or no byte
 * count: WSAEFAULT. */
static void
test_ioctl_missing_buffers_fail_efault(void)
{
	SOCKET s = ua_udp();
	u_long v = 0;
	DWORD n;

	PT_FAILS(WSAIoctl(s, FIONBIO, NULL, 0, NULL, 0, &n, NULL, NULL),
		WSAEFAULT);
	PT_FAILS(WSAIoctl(s, FIONBIO, &v, sizeof(v) - 1, NULL, 0, &n, NULL,
		NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(s, FIONREAD, NULL, 0, NULL, 0, &n, NULL, NULL),
		WSAEFAULT);
	PT_FAILS(WSAIoctl(s, FIONREAD, NULL, 0, &v, sizeof(v), NULL, NULL,
		NULL), WSAEFAULT);
	pt_close(s);
}

/* ---- WSPSelect ---- */

/* All three sets empty (or NULL): WSAEINVAL, from the provider too. */
static void
test_select_empty_sets_fail_einval(void)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct timeval tv = { 0, 0 };
	fd_set rd;
	int err = 0;

	FD_ZERO(&rd);
	PT_FAILS(select(0, &rd, NULL, NULL, &tv), WSAEINVAL);
	PT_WSP_FAILS(p->lpWSPSelect(0, &rd, &rd, &rd, &tv, &err), err,
		WSAEINVAL);
	PT_WSP_FAILS(p->lpWSPSelect(0, NULL, NULL, NULL, &tv, &err), err,
		WSAEINVAL);
}

/*
 * fd_count values whose sum wraps 32 bits (0x80000001 twice): WSAEINVAL,
 * and nothing is read or written past what the counts may mean. The
 * sets are real handles for a thousand entries, so a provider that
 * trusted the wrapped sum (2) wrote all of them into a 2-entry block.
 */
static void
test_select_counts_that_wrap_fail_einval(void)
{
	enum { N = 1000 };
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	struct big_set {
		u_int fd_count;
		SOCKET fd_array[N];
	} *sets = calloc(2, sizeof(*sets));
	struct timeval tv = { 0, 0 };
	SOCKET s = ua_bound(NULL);
	int err = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sets);
	for (int k = 0; k < 2; k++) {
		sets[k].fd_count = 0x80000001u;
		for (int i = 0; i < N; i++)
			sets[k].fd_array[i] = s;
	}
	PT_WSP_FAILS(p->lpWSPSelect(0, (fd_set *)&sets[0],
		(fd_set *)&sets[1], NULL, &tv, &err), err, WSAEINVAL);
	sets[0].fd_count = UINT32_MAX;
	PT_WSP_FAILS(p->lpWSPSelect(0, (fd_set *)&sets[0], NULL, NULL, &tv,
		&err), err, WSAEINVAL);
	free(sets);
	pt_close(s);
}

/*
 * An application may define FD_SETSIZE past 64 (Winsock allows it, the
 * sets being arrays of fd_count handles): 100 entries are all read and
 * all written back, none past the declared 64 treated as out of range
 * (clang's -fsanitize=bounds flags fd_array[64] and on).
 */
static void
test_select_past_fd_setsize_reports_every_entry(void)
{
	enum { N = 100 };
	struct big_set {
		u_int fd_count;
		SOCKET fd_array[N];
	} *set = calloc(1, sizeof(*set));
	struct timeval tv = { 0, 0 };
	SOCKET s = ua_bound(NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(set);
	set->fd_count = N;
	for (int i = 0; i < N; i++)
		set->fd_array[i] = s;
	CU_ASSERT_EQUAL(select(0, NULL, (fd_set *)set, NULL, &tv), N);
	CU_ASSERT_EQUAL(set->fd_count, N);
	CU_ASSERT_EQUAL(set->fd_array[N - 1], s);
	free(set);
	pt_close(s);
}

/* A negative timeout: WSAEINVAL. */
static void
test_select_negative_timeout_fails_einval(void)
{
	struct timeval tv = { -1, 0 };
	SOCKET s = ua_udp();
	fd_set wr;

	FD_ZERO(&wr);
	FD_SET(s, &wr);
	PT_FAILS(select(0, NULL, &wr, NULL, &tv), WSAEINVAL);
	pt_close(s);
}

/* A handle that is not a socket anywhere in the sets: WSAENOTSOCK. */
static void
test_select_bad_handle_fails_enotsock(void)
{
	struct timeval tv = { 0, 0 };
	SOCKET s = ua_udp(), dead = ua_udp();
	fd_set rd, wr;

	pt_close(dead);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(s, &rd);
	FD_SET(dead, &wr);
	PT_FAILS(select(0, &rd, &wr, NULL, &tv), WSAENOTSOCK);
	FD_ZERO(&rd);
	FD_SET(dead, &rd);
	PT_FAILS(select(0, &rd, NULL, NULL, &tv), WSAENOTSOCK);
	pt_close(s);
}

/* A poll reports a fresh socket writable and never exceptional. */
static void
test_select_poll_reports_fresh_socket_writable(void)
{
	struct timeval tv = { 0, 0 };
	SOCKET s = ua_udp();
	fd_set wr, ex;

	FD_ZERO(&wr);
	FD_ZERO(&ex);
	FD_SET(s, &wr);
	FD_SET(s, &ex);
	CU_ASSERT_EQUAL(select(0, NULL, &wr, &ex, &tv), 1);
	CU_ASSERT(FD_ISSET(s, &wr));
	CU_ASSERT_EQUAL(ex.fd_count, 0);
	pt_close(s);
}

/* The read set comes back holding only the sockets with data. */
static void
test_select_keeps_only_ready_sockets(void)
{
	struct timeval tv = { PT_WAIT_MS / 1000, 0 };
	struct sockaddr_in to;
	SOCKET quiet = ua_bound(NULL), busy = ua_bound(&to), tx = ua_udp();
	fd_set rd;

	CU_ASSERT_EQUAL(sendto(tx, "r", 1, 0, PT_SA(to), PT_SIN_LEN), 1);
	FD_ZERO(&rd);
	FD_SET(quiet, &rd);
	FD_SET(busy, &rd);
	CU_ASSERT_EQUAL(select(0, &rd, NULL, NULL, &tv), 1);
	CU_ASSERT_EQUAL(rd.fd_count, 1);
	CU_ASSERT(FD_ISSET(busy, &rd));
	CU_ASSERT_FALSE(FD_ISSET(quiet, &rd));
	pt_close(quiet);
	pt_close(busy);
	pt_close(tx);
}

/* ---- WSPAddressToString / WSPStringToAddress ---- */

static void
widen(const char *s, WCHAR *w, size_t n)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		w[i] = (WCHAR)(unsigned char)s[i];
	w[i] = 0;
}

static bool
wide_equals(const WCHAR *w, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (w[i] != (WCHAR)(unsigned char)s[i])
			return false;
	return w[i] == 0;
}

static int
to_string(struct sockaddr_in *a, DWORD alen, WCHAR *out, DWORD *len,
		int *err)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();

	return p->lpWSPAddressToString(PT_SA(*a), alen, NULL, out, len, err);
}

static int
to_address(const char *text, int af, struct sockaddr_in *a, int *len,
		int *err)
{
	const WSPPROC_TABLE *p = ws2_stub_proc_table();
	WCHAR w[64];

	widen(text, w, sizeof(w) / sizeof(w[0]));
	return p->lpWSPStringToAddress(w, af, NULL, PT_SA(*a), len, err);
}

/* "a.b.c.d:port", and just "a.b.c.d" for port 0; lengths count WCHARs
 * with the NUL. */
static void
test_address_to_string_formats_address_and_port(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 5000);
	WCHAR out[64];
	DWORD len = 64;
	int err = 0;

	CU_ASSERT_EQUAL(to_string(&a, PT_SIN_LEN, out, &len, &err), 0);
	CU_ASSERT(wide_equals(out, "198.18.0.2:5000"));
	CU_ASSERT_EQUAL(len, 16);
	a.sin_port = 0;
	len = 64;
	CU_ASSERT_EQUAL(to_string(&a, PT_SIN_LEN, out, &len, &err), 0);
	CU_ASSERT(wide_equals(out, "198.18.0.2"));
	CU_ASSERT_EQUAL(len, 11);
}

/* A buffer too small (or none): WSAEFAULT with the length needed. */
static void
test_address_to_string_small_buffer_fails_efault_with_length(void)
{
	struct sockaddr_in a = pt_sin(0x0a000001, 80);
	WCHAR out[8];
	DWORD len = 8;
	int err = 0;

	PT_WSP_FAILS(to_string(&a, PT_SIN_LEN, out, &len, &err), err,
		WSAEFAULT);
	CU_ASSERT_EQUAL(len, 12);	/* "10.0.0.1:80" and the NUL */
	len = 0;
	PT_WSP_FAILS(to_string(&a, PT_SIN_LEN, NULL, &len, &err), err,
		WSAEFAULT);
	CU_ASSERT_EQUAL(len, 12);
	len = 12;
	CU_ASSERT_EQUAL(to_string(&a, PT_SIN_LEN, (WCHAR[12]){ 0 }, &len,
		&err), 0);
}

/* Another family: WSAEINVAL; a sockaddr shorter than sockaddr_in or no
 * length: WSAEFAULT. */
static void
test_address_to_string_bad_address_fails(void)
{
	struct sockaddr_in a = pt_sin(PT_IP, 80);
	WCHAR out[64];
	DWORD len = 64;
	int err = 0;

	PT_WSP_FAILS(to_string(&a, PT_SIN_LEN - 1, out, &len, &err), err,
		WSAEFAULT);
	PT_WSP_FAILS(to_string(&a, PT_SIN_LEN, out, NULL, &err), err,
		WSAEFAULT);
	a.sin_family = AF_INET6;
	PT_WSP_FAILS(to_string(&a, PT_SIN_LEN, out, &len, &err), err,
		WSAEINVAL);
}

/* "a.b.c.d:port" and "a.b.c.d" (port 0) parse into a sockaddr_in. */
static void
test_string_to_address_parses_address_and_port(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN, err = 0;

	memset(&a, 0xff, sizeof(a));
	CU_ASSERT_EQUAL(to_address("10.1.2.3:8080", AF_INET, &a, &len, &err),
		0);
	CU_ASSERT_EQUAL(len, PT_SIN_LEN);
	CU_ASSERT_EQUAL(a.sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohl(a.sin_addr.s_addr), 0x0a010203u);
	CU_ASSERT_EQUAL(ntohs(a.sin_port), 8080);
	CU_ASSERT_EQUAL(to_address("255.255.255.255", AF_INET, &a, &len,
		&err), 0);
	CU_ASSERT_EQUAL(a.sin_addr.s_addr, 0xffffffffu);
	CU_ASSERT_EQUAL(a.sin_port, 0);
}

/* Address -> string -> address gives back the same sockaddr_in. */
static void
test_string_to_address_round_trips(void)
{
	static const uint32_t ips[] = { 0, PT_IP, 0x7f000001u, 0xfffffffeu };
	static const uint16_t ports[] = { 0, 1, 65535 };

	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		for (size_t j = 0; j < sizeof(ports) / sizeof(ports[0]); j++) {
			struct sockaddr_in a = pt_sin(ips[i], ports[j]), b;
			const WSPPROC_TABLE *p = ws2_stub_proc_table();
			WCHAR w[64];
			DWORD wl = 64;
			int bl = PT_SIN_LEN, err = 0;

			CU_ASSERT_EQUAL(to_string(&a, PT_SIN_LEN, w, &wl,
				&err), 0);
			CU_ASSERT_EQUAL(p->lpWSPStringToAddress(w, AF_INET,
				NULL, PT_SA(b), &bl, &err), 0);
			CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
		}
	}
}

/* Text that is not an IPv4 address[:port]: WSAEINVAL. */
static void
test_string_to_address_bad_text_fails_einval(void)
{
	static const char *const bad[] = {
		"", "10.1.2", "300.1.1.1", "1.2.3.4:", "1.2.3.4:70000",
		"1.2.3.4:80x", "abc", "1.2.3.4 ", "::1",
	};
	struct sockaddr_in a;
	int len, err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = PT_SIN_LEN;
		err = 0;
		PT_WSP_FAILS(to_address(bad[i], AF_INET, &a, &len, &err), err,
			WSAEINVAL);
	}
}

/* A family other than AF_INET: WSAEINVAL. */
static void
test_string_to_address_other_family_fails_einval(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN, err = 0;

	PT_WSP_FAILS(to_address("1.2.3.4", AF_INET6, &a, &len, &err), err,
		WSAEINVAL);
}

/* An address buffer too small: WSAEFAULT with the length needed. */
static void
test_string_to_address_small_buffer_fails_efault_with_length(void)
{
	struct sockaddr_in a;
	int len = PT_SIN_LEN - 1, err = 0;

	PT_WSP_FAILS(to_address("1.2.3.4", AF_INET, &a, &len, &err), err,
		WSAEFAULT);
	CU_ASSERT_EQUAL(len, PT_SIN_LEN);
	PT_WSP_FAILS(to_address("1.2.3.4", AF_INET, &a, NULL, &err), err,
		WSAEFAULT);
}

static const struct wt_test sockopt_tests[] = {
	WT_TEST(test_sockopt_buffer_sizes_round_trip),
	WT_TEST(test_sockopt_negative_buffer_size_fails_einval),
	WT_TEST(test_sockopt_bool_options_round_trip),
	WT_TEST(test_sockopt_exclusive_after_reuseaddr_fails_einval),
	WT_TEST(test_sockopt_linger_and_dontlinger_agree),
	WT_TEST(test_sockopt_type_is_dgram_and_read_only),
	WT_TEST(test_sockopt_error_is_zero_without_error),
	WT_TEST(test_sockopt_protocol_info_is_udp_entry_without_ifs),
	WT_TEST(test_sockopt_max_msg_size_is_65507),
	WT_TEST(test_sockopt_ip_ttl_and_tos_round_trip),
	WT_TEST(test_sockopt_unknown_option_fails_enoprotoopt),
	WT_TEST(test_sockopt_unknown_level_fails_einval),
	WT_TEST(test_sockopt_null_or_short_buffer_fails_efault),
	WT_TEST_END
};

static const struct wt_test ioctl_tests[] = {
	WT_TEST(test_ioctl_fionread_counts_all_queued_bytes),
	WT_TEST(test_ioctl_interface_list_reports_our_address),
	WT_TEST(test_ioctl_base_handle_is_own_handle),
	WT_TEST(test_ioctl_unknown_code_fails_einval),
	WT_TEST(test_ioctl_missing_buffers_fail_efault),
	WT_TEST_END
};

static const struct wt_test select_tests[] = {
	WT_TEST(test_select_empty_sets_fail_einval),
	WT_TEST(test_select_counts_that_wrap_fail_einval),
	WT_TEST(test_select_past_fd_setsize_reports_every_entry),
	WT_TEST(test_select_negative_timeout_fails_einval),
	WT_TEST(test_select_bad_handle_fails_enotsock),
	WT_TEST(test_select_poll_reports_fresh_socket_writable),
	WT_TEST(test_select_keeps_only_ready_sockets),
	WT_TEST_END
};

static const struct wt_test addr_tests[] = {
	WT_TEST(test_address_to_string_formats_address_and_port),
	WT_TEST(test_address_to_string_small_buffer_fails_efault_with_length),
	WT_TEST(test_address_to_string_bad_address_fails),
	WT_TEST(test_string_to_address_parses_address_and_port),
	WT_TEST(test_string_to_address_round_trips),
	WT_TEST(test_string_to_address_bad_text_fails_einval),
	WT_TEST(test_string_to_address_other_family_fails_einval),
	WT_TEST(test_string_to_address_small_buffer_fails_efault_with_length),
	WT_TEST_END
};

const struct wt_suite test_udp_sockopt_suite = {
	.name = "udp_sockopt",
	.clean = pt_suite_clean,
	.tests = sockopt_tests,
};

const struct wt_suite test_udp_ioctl_suite = {
	.name = "udp_ioctl",
	.clean = pt_suite_clean,
	.tests = ioctl_tests,
};

const struct wt_suite test_udp_select_suite = {
	.name = "udp_select",
	.clean = pt_suite_clean,
	.tests = select_tests,
};

const struct wt_suite test_udp_address_strings_suite = {
	.name = "udp_address_strings",
	.clean = pt_suite_clean,
	.tests = addr_tests,
};
