/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runner of the UDP-against-the-kernel suites (testbed.md layout A): the
 * whole process moves into a network namespace of its own before any
 * thread exists, so the provider's default tap (wsptap0, 198.18.0.2/24)
 * appears there and the kernel side (198.18.0.1/24) is configured there;
 * nothing outside the namespace is touched and it dies with the process.
 *
 *   test_udp_kernel [uk_interop|uk_flush|uk_malformed|uk_rtt ...]
 *   (wt_run.h patterns; none: all)
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "test_uk.h"

int
ukt_up(void)
{
	return pt_tap_startup(UK_IFACE, UK_KERNEL_MAC, UK_KERNEL_CIDR);
}

int
ukt_down(void)
{
	return WSACleanup() == 0 ? 0 : -1;
}

struct sockaddr_in
ukt_sin(const char *ip, uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

SOCKET
ukt_udp(uint16_t port)
{
	struct sockaddr_in a = ukt_sin("0.0.0.0", port);
	SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	if (s == INVALID_SOCKET)
		return s;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "bind :%u: %d\n", port, WSAGetLastError());
		closesocket(s);
		return INVALID_SOCKET;
	}
	return s;
}

int
ukt_opt(SOCKET s, int name, int v)
{
	if (setsockopt(s, SOL_SOCKET, name, (const char *)&v, sizeof(v)) != 0)
		return WSAGetLastError();
	return 0;
}

int
ukt_linger(SOCKET s, unsigned int onoff, unsigned int secs)
{
	LINGER l = { .l_onoff = (u_short)onoff, .l_linger = (u_short)secs };

	if (setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l,
			sizeof(l)) != 0)
		return WSAGetLastError();
	return 0;
}

void
ukt_sink_payload(uint8_t *buf, uint32_t seq, uint32_t len)
{
	buf[0] = (uint8_t)(seq >> 24);
	buf[1] = (uint8_t)(seq >> 16);
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	for (uint32_t i = 4; i < len; i++)
		buf[i] = (uint8_t)(seq * 7 + i);
}

int
ukt_stats_read(struct ukt_stats *s)
{
	static char json[32768];
	const char *p;

	s->n = 0;
	if (wt_tel(wt_tel_prefix(), "/wspdk/stats", json, sizeof(json)) != 0)
		return -1;
	/* {"/wspdk/stats": {"rx_pkts": 12, ...}}: every "key": number. */
	for (p = strchr(json, '{'); p != NULL && s->n < UKT_STATS_MAX;) {
		const char *q = strchr(p, '"'), *e;
		char *end;
		unsigned long long v;

		if (q == NULL)
			break;
		e = strchr(q + 1, '"');
		if (e == NULL)
			break;
		p = e + 1;
		if (*p != ':')
			continue;
		p++;
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			continue;
		v = strtoull(p, &end, 10);
		p = end;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%.*s",
			(int)(e - q - 1), q + 1);
		s->v[s->n++] = v;
	}
	return s->n > 0 ? 0 : -1;
}

uint64_t
ukt_stats_get(const struct ukt_stats *s, const char *name)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return s->v[i];
	return 0;
}

int
ukt_field(const char *line, const char *key, uint64_t *v)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (p == NULL)
		return -1;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return 0;
}

/* Every start the suites made was matched by a stop that found every
 * mbuf back home, and no hugepage file is left. */
static void
test_lifecycle_left_nothing(void)
{
	char out[256];

	CU_ASSERT_EQUAL(ws2_stub_startup_count(), 0);
	CU_ASSERT_EQUAL(wt_info_u64("mbufs_lost"), 0);
	CU_ASSERT_EQUAL(wt_info_u64("starts"), wt_info_u64("stops"));
	out[0] = '\0';
	wt_sh_out(out, sizeof(out), "ls /dev/hugepages | grep -c '^%s' || "
		"true", wt_tel_prefix());
	CU_ASSERT_EQUAL(atoi(out), 0);
}

static const struct wt_test lifecycle_tests[] = {
	WT_TEST(test_lifecycle_left_nothing),
	WT_TEST_END
};

/* Last: it checks what the suites before it left behind. */
static const struct wt_suite lifecycle_suite = {
	.name = "uk_lifecycle",
	.tests = lifecycle_tests,
};

/* Arguments choose suites (meson runs one per test, plus uk_lifecycle). */
int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_uk_interop_suite,
		&test_uk_flush_suite,
		&test_uk_malformed_suite,
		&test_uk_rtt_suite,
		&lifecycle_suite,
		NULL
	};
	uint64_t t0;
	int ret;

	/* First, while the process has one thread. */
	if (wt_need_tools("ip ping socat py:scapy") != 0 ||
			wt_netns_enter() != 0 ||
			wt_hugepages_reserve(64) != 0)
		return 1;
	t0 = wt_now_ns();
	ret = wt_run_suites(argc, argv, suites);
	printf("udp_kernel: %.1f s\n", (double)(wt_now_ns() - t0) / 1e9);
	return ret;
}
