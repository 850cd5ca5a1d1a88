/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIO_TCP_SET_ACK_FREQUENCY (mstcpip.h, TCP_ACK_FREQUENCY_PARAMETERS):
 * the number of segments a receiver takes before its delayed ACK is
 * sent regardless; 1 ACKs every segment. Seen from the peer, through
 * WSAIoctl on the receiver and the sockets' telemetry (segs_out of
 * each end: the sender's data segments, the receiver's ACKs). The
 * runner sets WSPDK_TSO=0, so each data segment is a frame of its own
 * and the counts compare one to one.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt.h"
#include "tcp_api.h"

#define BULK	(32 * 1024)	/* within either end's buffer */
#define TIMES	8

static char buf[BULK], got[BULK];
static char tel[1 << 16];

static void
name_pat(SOCKET s, bool peer, const char *key, char *pat, size_t len)
{
	struct sockaddr_in a = pt_name_of(s, peer);
	uint32_t ip = ntohl(a.sin_addr.s_addr);

	snprintf(pat, len, "\"%s\":\"%u.%u.%u.%u:%u\"", key, ip >> 24,
		(ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
		ntohs(a.sin_port));
}

/* A counter of s's TCB in /wspdk/tcp (the one with s's own local and
 * peer names: TIME-WAIT records of earlier pairs may share one), or
 * UINT64_MAX. A handful of TCBs: the first page holds them all. */
static uint64_t
tcb_counter(SOCKET s, const char *key)
{
	char lpat[64], ppat[64], dict[4096];
	const char *p;
	uint64_t v;

	name_pat(s, false, "local", lpat, sizeof(lpat));
	name_pat(s, true, "peer", ppat, sizeof(ppat));
	if (wt_tel(wt_tel_prefix(), "/wspdk/tcp,0", tel, sizeof(tel)) != 0)
		return UINT64_MAX;
	for (p = strstr(tel, lpat); p != NULL; p = strstr(p + 1, lpat)) {
		const char *b = p, *e = strchr(p, '}');

		while (b > tel && *b != '{')
			b--;
		if (e == NULL || (size_t)(e - b) >= sizeof(dict))
			continue;
		memcpy(dict, b, (size_t)(e - b));
		dict[e - b] = '\0';
		if (strstr(dict, ppat) != NULL && strstr(dict,
				"TIME_WAIT") == NULL &&
				wt_json_u64(dict, key, &v) == 0)
			return v;
	}
	return UINT64_MAX;
}

static int
ack_freq(SOCKET s, unsigned int n)
{
	TCP_ACK_FREQUENCY_PARAMETERS p = { (UCHAR)n };
	DWORD ret = 0;

	return WSAIoctl(s, SIO_TCP_SET_ACK_FREQUENCY, &p, sizeof(p), NULL,
		0, &ret, NULL, NULL);
}

/* TIMES x BULK bytes c -> s: *data the segments c sent, *acks those s sent. */
static void
bulk(SOCKET c, SOCKET s, uint64_t *data, uint64_t *acks)
{
	uint64_t d0 = tcb_counter(c, "segs_out");
	uint64_t a0 = tcb_counter(s, "segs_out");

	CU_ASSERT_FATAL(d0 != UINT64_MAX && a0 != UINT64_MAX);
	for (int i = 0; i < BULK; i++)
		buf[i] = ta_byte((uint64_t)i);
	for (int k = 0; k < TIMES; k++) {
		ta_send_all(c, buf, BULK);
		CU_ASSERT_EQUAL_FATAL(ta_recv_n(s, got, BULK, PT_WAIT_MS),
			BULK);
		CU_ASSERT_EQUAL(memcmp(got, buf, BULK), 0);
	}
	/* The last ACK may still be on its way out of the receiver's
	 * lcore: the sender sees all its data acknowledged first. */
	SleepEx(50, FALSE);
	*data = tcb_counter(c, "segs_out") - d0;
	*acks = tcb_counter(s, "segs_out") - a0;
}

/* Unset, the stack's policy: one ACK a receive burst, far fewer ACKs
 * than segments in bulk. With 1: an ACK for every segment. */
static void
test_ack_frequency_one_acks_every_segment_default_does_not(void)
{
	uint64_t data, acks;
	SOCKET c, s;

	ta_pair(&c, &s);
	bulk(c, s, &data, &acks);
	printf("\n    default: %llu data segments, %llu ACKs",
		(unsigned long long)data, (unsigned long long)acks);
	CU_ASSERT_TRUE(data >= TIMES * BULK / 1460);
	CU_ASSERT_TRUE(acks < data);
	pt_close(c);
	pt_close(s);

	ta_pair(&c, &s);
	PT_OK(ack_freq(s, 1));
	bulk(c, s, &data, &acks);
	printf("; frequency 1: %llu data segments, %llu ACKs\n",
		(unsigned long long)data, (unsigned long long)acks);
	CU_ASSERT_TRUE(data >= TIMES * BULK / 1460);
	CU_ASSERT_TRUE(acks >= data);
	pt_close(c);
	pt_close(s);
}

/* n: at least one ACK every n segments; 0 restores the policy. */
static void
test_ack_frequency_n_acks_at_least_every_nth_segment(void)
{
	uint64_t data, acks;
	SOCKET c, s;

	ta_pair(&c, &s);
	PT_OK(ack_freq(s, 1));
	PT_OK(ack_freq(s, 0));
	bulk(c, s, &data, &acks);
	CU_ASSERT_TRUE(acks < data);
	PT_OK(ack_freq(s, 4));
	bulk(c, s, &data, &acks);
	printf("\n    frequency 4: %llu data segments, %llu ACKs\n",
		(unsigned long long)data, (unsigned long long)acks);
	CU_ASSERT_TRUE(acks >= data / 4);
	pt_close(c);
	pt_close(s);
}

/* The documented failures: a short buffer, a datagram socket. */
static void
test_ack_frequency_checks_its_arguments(void)
{
	SOCKET u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	SOCKET t = ta_tcp();
	DWORD ret = 0;

	PT_FAILS(WSAIoctl(t, SIO_TCP_SET_ACK_FREQUENCY, NULL, 0, NULL, 0,
		&ret, NULL, NULL), WSAEFAULT);
	PT_FAILS(ack_freq(u, 1), WSAEINVAL);
	/* Before connect: taken by the connection it makes. */
	PT_OK(ack_freq(t, 2));
	pt_close(u);
	pt_close(t);
}

static const struct wt_test tests[] = {
	WT_TEST(test_ack_frequency_one_acks_every_segment_default_does_not),
	WT_TEST(test_ack_frequency_n_acks_at_least_every_nth_segment),
	WT_TEST(test_ack_frequency_checks_its_arguments),
	WT_TEST_END
};

static const struct wt_suite ackfreq_suite = {
	.name = "tcp_ack_frequency",
	.tests = tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&ackfreq_suite, NULL };

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
