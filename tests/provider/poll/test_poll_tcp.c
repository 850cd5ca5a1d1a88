/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WSAPoll on TCP, our stack connecting to itself on the loop device:
 * a listener's pending connection, a connect done or refused, data, the
 * peer's FIN and reset, and TCP beside UDP in one call (WSAPoll's
 * remarks, "With regard to TCP and UDP sockets").
 */
#include <string.h>

#include "poll.h"

/* Poll p until it reports want (all of it) or PT_WAIT_MS pass. */
static SHORT
poll_until(WSAPOLLFD *p, SHORT want)
{
	double t0 = pt_ms();

	do {
		if (WSAPoll(p, 1, 100) == SOCKET_ERROR)
			return 0;
	} while ((p->revents & want) != want && pt_ms() - t0 < PT_WAIT_MS);
	return p->revents;
}

/* A connected pair through a listener polled for POLLRDNORM. */
static void
pair(SOCKET *c, SOCKET *a)
{
	struct sockaddr_in ln;
	SOCKET l = pt_listener(&ln);
	WSAPOLLFD p = poll_fd(l, POLLRDNORM);

	*c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	pt_nonblocking(*c, true);
	PT_FAILS(connect(*c, PT_SA(ln), PT_SIN_LEN), WSAEWOULDBLOCK);
	/* "Pending connections on a listening socket are indicated ...
	 * by POLLRDNORM" */
	CU_ASSERT_EQUAL(poll_until(&p, POLLRDNORM), POLLRDNORM);
	*a = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(*a != INVALID_SOCKET);
	/* A connect done is POLLWRNORM. */
	p = poll_fd(*c, POLLWRNORM | POLLRDNORM);
	CU_ASSERT_EQUAL(poll_until(&p, POLLWRNORM), POLLWRNORM);
	pt_close(l);
}

static void
test_wsapoll_tcp_accept_connect_and_data(void)
{
	SOCKET c, a;
	WSAPOLLFD p;
	char buf[8];

	pair(&c, &a);
	p = poll_fd(a, POLLRDNORM);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, 0), 0);
	CU_ASSERT_EQUAL(send(c, "data", 4, 0), 4);
	CU_ASSERT_EQUAL(poll_until(&p, POLLRDNORM), POLLRDNORM);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 4);
	pt_close(a);
	pt_close(c);
}

/* The peer's FIN: POLLRDNORM (recv returns 0) and POLLHUP; POLLHUP
 * comes even when only POLLWRNORM was asked for. */
static void
test_wsapoll_tcp_peer_fin_reports_rdnorm_and_hup(void)
{
	SOCKET c, a;
	WSAPOLLFD p;
	char buf[8];

	pair(&c, &a);
	PT_OK(shutdown(c, SD_SEND));
	p = poll_fd(a, POLLRDNORM);
	CU_ASSERT_EQUAL(poll_until(&p, POLLRDNORM | POLLHUP),
		POLLRDNORM | POLLHUP);
	p = poll_fd(a, POLLWRNORM);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, 0), 1);
	CU_ASSERT_EQUAL(p.revents, POLLWRNORM | POLLHUP);
	CU_ASSERT_EQUAL(recv(a, buf, sizeof(buf), 0), 0);
	pt_close(a);
	pt_close(c);
}

/* The peer's reset (SO_LINGER {1, 0} close): POLLHUP and POLLERR. */
static void
test_wsapoll_tcp_peer_reset_reports_hup_and_err(void)
{
	struct linger lg = { 1, 0 };
	SOCKET c, a;
	WSAPOLLFD p;

	pair(&c, &a);
	PT_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, (const char *)&lg,
		sizeof(lg)));
	pt_close(c);
	p = poll_fd(a, POLLRDNORM);
	CU_ASSERT_EQUAL(poll_until(&p, POLLHUP | POLLERR) &
		(POLLHUP | POLLERR), POLLHUP | POLLERR);
	pt_close(a);
}

/* A connect nobody accepts: POLLHUP | POLLERR | POLLWRNORM (Windows 10
 * 2004 and later), whatever was asked for. */
static void
test_wsapoll_tcp_refused_connect_reports_hup_err_wrnorm(void)
{
	struct sockaddr_in ln;
	SOCKET l = pt_listener(&ln), c = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	WSAPOLLFD p = poll_fd(c, POLLWRNORM);

	pt_close(l);		/* its port now refuses */
	pt_nonblocking(c, true);
	PT_FAILS(connect(c, PT_SA(ln), PT_SIN_LEN), WSAEWOULDBLOCK);
	CU_ASSERT_EQUAL(poll_until(&p, POLLHUP | POLLERR | POLLWRNORM),
		POLLHUP | POLLERR | POLLWRNORM);
	p = poll_fd(c, POLLRDNORM);
	CU_ASSERT_EQUAL(WSAPoll(&p, 1, 0), 1);
	CU_ASSERT_EQUAL(p.revents, POLLHUP | POLLERR);
	pt_close(c);
}

/* TCP and UDP sockets in one call, each reporting its own. */
static void
test_wsapoll_mixes_tcp_and_udp(void)
{
	struct sockaddr_in un, vn;
	SOCKET c, a, u = poll_udp(&un), v = poll_udp(&vn);
	WSAPOLLFD p[3];
	int got = 0;

	pair(&c, &a);
	CU_ASSERT_EQUAL(send(c, "t", 1, 0), 1);
	CU_ASSERT_EQUAL(sendto(v, "u", 1, 0, PT_SA(un), PT_SIN_LEN), 1);
	p[0] = poll_fd(a, POLLRDNORM);
	p[1] = poll_fd(u, POLLRDNORM);
	p[2] = poll_fd(c, POLLRDNORM);
	for (double t0 = pt_ms(); got < 2 && pt_ms() - t0 < PT_WAIT_MS;)
		got = WSAPoll(p, 3, PT_WAIT_MS);
	CU_ASSERT_EQUAL(got, 2);
	CU_ASSERT_EQUAL(p[0].revents, POLLRDNORM);
	CU_ASSERT_EQUAL(p[1].revents, POLLRDNORM);
	CU_ASSERT_EQUAL(p[2].revents, 0);
	pt_close(a);
	pt_close(c);
	pt_close(u);
	pt_close(v);
}

static const struct wt_test tcp_tests[] = {
	WT_TEST(test_wsapoll_tcp_accept_connect_and_data),
	WT_TEST(test_wsapoll_tcp_peer_fin_reports_rdnorm_and_hup),
	WT_TEST(test_wsapoll_tcp_peer_reset_reports_hup_and_err),
	WT_TEST(test_wsapoll_tcp_refused_connect_reports_hup_err_wrnorm),
	WT_TEST(test_wsapoll_mixes_tcp_and_udp),
	WT_TEST_END
};

const struct wt_suite test_poll_tcp_suite = {
	.name = "poll_tcp",
	.tests = tcp_tests,
	.clean = pt_suite_clean,
};
