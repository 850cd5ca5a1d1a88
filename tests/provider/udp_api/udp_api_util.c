/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the UDP API tests (see udp_api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "udp_api.h"

struct sockaddr_in
ua_sin(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(ip);
	sin.sin_port = htons(port);
	return sin;
}

SOCKET
ua_udp(void)
{
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	if (s == INVALID_SOCKET)
		fprintf(stderr, "socket: %d\n", WSAGetLastError());
	CU_ASSERT_FATAL(s != INVALID_SOCKET);
	return s;
}

SOCKET
ua_bound(struct sockaddr_in *name)
{
	struct sockaddr_in a = ua_sin(UA_IP, 0);
	int len = UA_SIN_LEN;
	SOCKET s = ua_udp();

	CU_ASSERT_FATAL(bind(s, UA_SA(a), UA_SIN_LEN) == 0);
	CU_ASSERT_FATAL(getsockname(s, UA_SA(a), &len) == 0);
	CU_ASSERT_FATAL(a.sin_port != 0);
	if (name != NULL)
		*name = a;
	return s;
}

void
ua_send_wait(SOCKET tx, SOCKET rx, const struct sockaddr_in *to,
		const void *buf, int len)
{
	CU_ASSERT_EQUAL_FATAL(sendto(tx, buf, len, 0,
		(const struct sockaddr *)to, UA_SIN_LEN), len);
	CU_ASSERT_FATAL(ua_readable(rx, UA_WAIT_MS));
}

void
ua_close(SOCKET s)
{
	UA_OK(closesocket(s));
}

uint16_t
ua_closed_port(void)
{
	struct sockaddr_in a;
	SOCKET s = ua_bound(&a);

	ua_close(s);
	return ntohs(a.sin_port);
}

bool
ua_readable(SOCKET s, unsigned int ms)
{
	struct timeval tv = { (long)(ms / 1000), (long)(ms % 1000) * 1000 };
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(s, &rd);
	return select(0, &rd, NULL, NULL, &tv) == 1;
}

int
ua_recv(SOCKET s, char *buf, int len, struct sockaddr_in *from,
		unsigned int ms)
{
	struct sockaddr_in a;
	int alen = UA_SIN_LEN, n;

	if (!ua_readable(s, ms))
		return -1;
	n = recvfrom(s, buf, len, 0, UA_SA(a), &alen);
	if (n == SOCKET_ERROR)
		return -1;
	if (from != NULL)
		*from = a;
	return n;
}

void
ua_setopt_int(SOCKET s, int level, int name, int v)
{
	UA_OK(setsockopt(s, level, name, (const char *)&v, sizeof(v)));
}

void
ua_nonblocking(SOCKET s, bool on)
{
	u_long v = on;

	UA_OK(ioctlsocket(s, FIONBIO, &v));
}

double
ua_ms(void)
{
	return (double)wt_now_ns() / 1e6;
}

uint64_t
ua_sock_counter(SOCKET s, const char *key)
{
	static char json[65536];
	struct sockaddr_in a;
	char pat[64], entry[2048];
	const char *p, *end;
	int len = UA_SIN_LEN;
	uint32_t ip;
	uint64_t v;

	if (getsockname(s, UA_SA(a), &len) != 0)
		return UINT64_MAX;
	ip = ntohl(a.sin_addr.s_addr);
	snprintf(pat, sizeof(pat), "\"local\":\"%u.%u.%u.%u:%u\"", ip >> 24,
		(ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
		ntohs(a.sin_port));
	if (wt_tel(wt_tel_prefix(), "/wspdk/sockets", json, sizeof(json)) != 0)
		return UINT64_MAX;
	p = strstr(json, pat);
	if (p == NULL)
		return UINT64_MAX;
	/* The entry is a flat object: back to its '{', on to its '}'. */
	while (p > json && *p != '{')
		p--;
	end = strchr(p, '}');
	if (end == NULL || (size_t)(end - p) >= sizeof(entry))
		return UINT64_MAX;
	memcpy(entry, p, (size_t)(end - p));
	entry[end - p] = '\0';
	return wt_json_u64(entry, key, &v) == 0 ? v : UINT64_MAX;
}

const WSAPROTOCOL_INFOW *
ua_udp_entry(void)
{
	const WSAPROTOCOL_INFOW *e;

	for (unsigned int i = 0; (e = ws2_stub_catalog_entry(i)) != NULL; i++)
		if (e->iSocketType == SOCK_DGRAM && e->iProtocol == IPPROTO_UDP)
			return e;
	return NULL;
}

static void
report(bool ok, const char *msg, const char *file, unsigned int line)
{
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, "",
		CU_FALSE);
}

void
ua_check_fail(long long ret, int want, const char *expr, const char *file,
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
ua_check_ok(long long ret, const char *expr, const char *file,
		unsigned int line)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: failed with %d", expr,
		WSAGetLastError());
	report(ret != SOCKET_ERROR, msg, file, line);
}

void
ua_check_wsp(int ret, const int *err, int want, const char *expr,
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
ua_startup(void)
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
	if (ua_udp_entry() == NULL) {
		fprintf(stderr, "FAIL: no UDP entry in the catalog\n");
		WSACleanup();
		return -1;
	}
	return 0;
}

int
ua_suite_clean(void)
{
	unsigned int n = ws2_stub_socket_count();

	if (n != 0)
		fprintf(stderr, "\n%u socket handle(s) left open\n", n);
	return n == 0 ? 0 : -1;
}

int
ua_run(int argc, char **argv, const struct wt_suite *const *suites)
{
	int ret = wt_run_suites(argc, argv, suites);

	if (ws2_stub_startup_count() > 0)
		WSACleanup();
	return ret;
}
