/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the provider's black-box API tests (see pt.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "pt.h"

struct sockaddr_in
pt_sin(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(ip);
	sin.sin_port = htons(port);
	return sin;
}

void
pt_close(SOCKET s)
{
	PT_OK(closesocket(s));
}

SOCKET
pt_listener(struct sockaddr_in *name)
{
	struct sockaddr_in sin = pt_sin(PT_IP, 0);
	int len = PT_SIN_LEN;
	SOCKET l = pt_socket(SOCK_STREAM, IPPROTO_TCP);

	PT_OK(bind(l, PT_SA(sin), PT_SIN_LEN));
	PT_OK(listen(l, SOMAXCONN));
	PT_OK(getsockname(l, PT_SA(*name), &len));
	return l;
}

bool
pt_readable(SOCKET s, unsigned int ms)
{
	struct timeval tv = { (long)(ms / 1000), (long)(ms % 1000) * 1000 };
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(s, &rd);
	return select(0, &rd, NULL, NULL, &tv) == 1;
}

void
pt_setopt_int(SOCKET s, int level, int name, int v)
{
	PT_OK(setsockopt(s, level, name, (const char *)&v, sizeof(v)));
}

void
pt_nonblocking(SOCKET s, bool on)
{
	u_long v = on;

	PT_OK(ioctlsocket(s, FIONBIO, &v));
}

double
pt_ms(void)
{
	return (double)wt_now_ns() / 1e6;
}

struct sockaddr_in
pt_name_of(SOCKET s, bool peer)
{
	struct sockaddr_in sin;
	int len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	CU_ASSERT_EQUAL(peer ? getpeername(s, PT_SA(sin), &len) :
		getsockname(s, PT_SA(sin), &len), 0);
	return sin;
}

bool
pt_sock_entry(const char *pat, char *entry, size_t len)
{
	static char json[65536];
	const char *p, *end;

	entry[0] = '\0';
	if (wt_tel(wt_tel_prefix(), "/wspdk/sockets", json, sizeof(json)) != 0)
		return false;
	p = strstr(json, pat);
	if (p == NULL)
		return false;
	/* The entry is a flat object: back to its '{', on to its '}'. */
	while (p > json && *p != '{')
		p--;
	end = strchr(p, '}');
	if (end == NULL || (size_t)(end - p) >= len)
		return false;
	memcpy(entry, p, (size_t)(end - p));
	entry[end - p] = '\0';
	return true;
}

uint64_t
pt_sock_counter(SOCKET s, const char *key)
{
	struct sockaddr_in a;
	char pat[64], entry[2048];
	int len = PT_SIN_LEN;
	uint32_t ip;
	uint64_t v;

	if (getsockname(s, PT_SA(a), &len) != 0)
		return UINT64_MAX;
	ip = ntohl(a.sin_addr.s_addr);
	snprintf(pat, sizeof(pat), "\"local\":\"%u.%u.%u.%u:%u\"", ip >> 24,
		(ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
		ntohs(a.sin_port));
	if (!pt_sock_entry(pat, entry, sizeof(entry)))
		return UINT64_MAX;
	return wt_json_u64(entry, key, &v) == 0 ? v : UINT64_MAX;
}

static void
report(bool ok, const char *msg, const char *file, unsigned int line)
{
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, "",
		CU_FALSE);
}

void
pt_check_fail(long long ret, int want, const char *expr, const char *file,
		unsigned int line)
{
	int got = WSAGetLastError();
	char msg[512];

	if (ret != SOCKET_ERROR)
		snprintf(msg, sizeof(msg), "%s: want error %d, got success "
			"(%lld)", expr, want, ret);
	else
		snprintf(msg, sizeof(msg), "%s: want error %d, got %d", expr,
			want, got);
	report(ret == SOCKET_ERROR && got == want, msg, file, line);
}

void
pt_check_ok(long long ret, const char *expr, const char *file,
		unsigned int line)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: failed with %d", expr,
		WSAGetLastError());
	report(ret != SOCKET_ERROR, msg, file, line);
}

void
pt_check_wsp(int ret, const int *err, int want, const char *expr,
		const char *file, unsigned int line)
{
	char msg[512];

	if (ret != SOCKET_ERROR)
		snprintf(msg, sizeof(msg), "%s: want error %d, got success "
			"(%d)", expr, want, ret);
	else
		snprintf(msg, sizeof(msg), "%s: want error %d, got %d", expr,
			want, *err);
	report(ret == SOCKET_ERROR && *err == want, msg, file, line);
}

int
pt_suite_clean(void)
{
	unsigned int n = ws2_stub_socket_count();

	if (n != 0)
		fprintf(stderr, "\n%u socket handle(s) left open\n", n);
	return n == 0 ? 0 : -1;
}

int
pt_run(int argc, char **argv, const struct wt_suite *const *suites)
{
	int ret = wt_run_suites(argc, argv, suites);

	if (ws2_stub_startup_count() > 0)
		WSACleanup();
	return ret;
}

int
pt_startup(void)
{
	WSADATA d;
	int ret;

	if (wt_hugepages_reserve(64) != 0) {
		fprintf(stderr, "FAIL: these tests need 64 free 2 MB "
			"hugepages\n");
		return -1;
	}
	/* The in-memory loop device: no NIC, no namespace. */
	setenv("WSPDK_DEVICE", "loop", 1);
	ret = WSAStartup(MAKEWORD(2, 2), &d);
	if (ret != 0) {
		fprintf(stderr, "FAIL: WSAStartup: %d\n", ret);
		return -1;
	}
	return 0;
}

int
pt_tap_startup(const char *ifname, const char *mac, const char *cidr)
{
	WSADATA wd;
	int ret = WSAStartup(MAKEWORD(2, 2), &wd);

	if (ret != 0) {
		fprintf(stderr, "FAIL: WSAStartup: %d\n", ret);
		return -1;
	}
	/* The tap PMD gives the kernel side our MAC at every probe, and a
	 * new tap has no address: configure it after each start. */
	if (wt_tap_kernel_up(ifname, mac, cidr) != 0) {
		fprintf(stderr, "FAIL: cannot configure %s\n", ifname);
		WSACleanup();
		return -1;
	}
	return 0;
}

SOCKET
pt_socket(int type, int protocol)
{
	SOCKET s = socket(AF_INET, type, protocol);

	if (s == INVALID_SOCKET)
		fprintf(stderr, "socket: %d\n", WSAGetLastError());
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	return s;
}

const WSAPROTOCOL_INFOW *
pt_entry(int type, int protocol)
{
	const WSAPROTOCOL_INFOW *e;

	for (unsigned int i = 0; (e = ws2_stub_catalog_entry(i)) != NULL; i++)
		if (e->iSocketType == type && e->iProtocol == protocol)
			return e;
	return NULL;
}

void
pt_connect_bad_names_fail(SOCKET s)
{
	struct sockaddr_in a = pt_sin(PT_IP, 5000);

	PT_FAILS(connect(s, NULL, PT_SIN_LEN), WSAEFAULT);
	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN - 1), WSAEFAULT);
	a.sin_family = AF_INET6;
	PT_FAILS(connect(s, PT_SA(a), PT_SIN_LEN), WSAEAFNOSUPPORT);
}
