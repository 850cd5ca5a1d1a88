/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The extension-function registry, the interface options and ioctls, and
 * the catalog's flags; the runner of every extension suite.
 */
#include <string.h>

#include "ext.h"

SOCKET
ext_bound(uint32_t ip, struct sockaddr_in *name)
{
	struct sockaddr_in sin = pt_sin(ip, 0);
	int len = PT_SIN_LEN;
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);

	PT_OK(bind(s, PT_SA(sin), PT_SIN_LEN));
	PT_OK(getsockname(s, PT_SA(*name), &len));
	return s;
}

static int
get_fn(SOCKET s, GUID id, void *fn, DWORD *ret)
{
	return WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id), fn, sizeof(void *), ret, NULL, NULL);
}

LPFN_WSARECVMSG
ext_recvmsg(SOCKET s)
{
	LPFN_WSARECVMSG fn = NULL;
	DWORD ret = 0;

	PT_OK(get_fn(s, (GUID)WSAID_WSARECVMSG, &fn, &ret));
	CU_ASSERT_EQUAL(ret, sizeof(fn));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
	return fn;
}

LPFN_WSASENDMSG
ext_sendmsg(SOCKET s)
{
	LPFN_WSASENDMSG fn = NULL;
	DWORD ret = 0;

	PT_OK(get_fn(s, (GUID)WSAID_WSASENDMSG, &fn, &ret));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
	return fn;
}

static void
test_recvmsg_and_sendmsg_pointers_are_returned(void)
{
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);

	ext_recvmsg(s);
	ext_sendmsg(s);
	pt_close(s);
}

static void
test_unknown_extension_guid_fails_einval(void)
{
	static const GUID unknown = { 0x12345678, 0x1234, 0x1234,
		{ 1, 2, 3, 4, 5, 6, 7, 8 } };
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	void *fn = NULL;
	DWORD ret = 0;

	PT_FAILS(get_fn(s, unknown, &fn, &ret), WSAEINVAL);
	CU_ASSERT_PTR_NULL(fn);
	pt_close(s);
}

/* The TCP functions (wsp_ext_tcp.c, tests/provider/ext_tcp): a pointer
 * each, distinct. */
static void
test_tcp_extension_pointers_are_returned(void)
{
	static const GUID ids[] = { WSAID_ACCEPTEX, WSAID_CONNECTEX,
		WSAID_DISCONNECTEX, WSAID_GETACCEPTEXSOCKADDRS,
		WSAID_TRANSMITFILE, WSAID_TRANSMITPACKETS };
	void *fn[sizeof(ids) / sizeof(ids[0])] = { NULL };
	SOCKET s = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	DWORD ret = 0;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		PT_OK(get_fn(s, ids[i], &fn[i], &ret));
		CU_ASSERT_EQUAL(ret, sizeof(void *));
		CU_ASSERT_PTR_NOT_NULL(fn[i]);
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_PTR_NOT_EQUAL(fn[i], fn[j]);
	}
	pt_close(s);
}

static void
test_extension_short_buffers_fail_efault(void)
{
	GUID id = WSAID_WSARECVMSG;
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	void *fn = NULL;
	DWORD ret = 0;

	PT_FAILS(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id) - 1, &fn, sizeof(fn), &ret, NULL, NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
		sizeof(id), &fn, sizeof(fn) - 1, &ret, NULL, NULL), WSAEFAULT);
	pt_close(s);
}

static void
test_catalog_udp_entry_has_no_multipoint_nor_ifs(void)
{
	const WSAPROTOCOL_INFOW *e = pt_entry(SOCK_DGRAM, IPPROTO_UDP);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->dwServiceFlags1 & XP1_SUPPORT_MULTIPOINT, 0);
	CU_ASSERT_EQUAL(e->dwServiceFlags1 & XP1_IFS_HANDLES, 0);
	CU_ASSERT_EQUAL(e->dwServiceFlags1, XP1_CONNECTIONLESS |
		XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST);
}

static const struct wt_test registry_tests[] = {
	WT_TEST(test_recvmsg_and_sendmsg_pointers_are_returned),
	WT_TEST(test_unknown_extension_guid_fails_einval),
	WT_TEST(test_tcp_extension_pointers_are_returned),
	WT_TEST(test_extension_short_buffers_fail_efault),
	WT_TEST(test_catalog_udp_entry_has_no_multipoint_nor_ifs),
	WT_TEST_END
};

const struct wt_suite test_ext_registry_suite = {
	.name = "ext_registry",
	.tests = registry_tests,
	.clean = pt_suite_clean,
};

static void
test_routing_interface_query_answers_our_address(void)
{
	struct sockaddr_in dst = pt_sin(PT_FOREIGN, 9), out;
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	DWORD ret = 0;

	PT_OK(WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, &dst, sizeof(dst),
		&out, sizeof(out), &ret, NULL, NULL));
	CU_ASSERT_EQUAL(ret, sizeof(out));
	CU_ASSERT_EQUAL(out.sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohl(out.sin_addr.s_addr), PT_IP);
	PT_FAILS(WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, &dst, sizeof(dst),
		&out, sizeof(out) - 1, &ret, NULL, NULL), WSAEFAULT);
	CU_ASSERT_EQUAL(ret, sizeof(out));
	PT_FAILS(WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, &dst, 8, &out,
		sizeof(out), &ret, NULL, NULL), WSAEFAULT);
	dst.sin_family = AF_INET6;
	PT_FAILS(WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, &dst, sizeof(dst),
		&out, sizeof(out), &ret, NULL, NULL), WSAEINVAL);
	pt_close(s);
}

static void
test_address_list_query_lists_our_address(void)
{
	union {
		SOCKET_ADDRESS_LIST l;
		char b[256];
	} u;
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	const struct sockaddr_in *sin;
	DWORD ret = 0;

	PT_FAILS(WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, &u, 8, &ret,
		NULL, NULL), WSAEFAULT);
	CU_ASSERT(ret >= sizeof(SOCKET_ADDRESS_LIST) +
		sizeof(struct sockaddr_in));
	PT_OK(WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, &u, sizeof(u),
		&ret, NULL, NULL));
	CU_ASSERT_EQUAL_FATAL(u.l.iAddressCount, 1);
	CU_ASSERT_EQUAL(u.l.Address[0].iSockaddrLength, PT_SIN_LEN);
	sin = (const struct sockaddr_in *)u.l.Address[0].lpSockaddr;
	CU_ASSERT((const char *)sin >= u.b && (const char *)sin < u.b + ret);
	CU_ASSERT_EQUAL(ntohl(sin->sin_addr.s_addr), PT_IP);
	pt_close(s);
}

static void
test_udp_netreset_takes_a_bool_on_udp_only(void)
{
	SOCKET u = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	SOCKET t = pt_socket(SOCK_STREAM, IPPROTO_TCP);
	BOOL on = TRUE;
	DWORD ret = 0;

	PT_OK(WSAIoctl(u, SIO_UDP_NETRESET, &on, sizeof(on), NULL, 0, &ret,
		NULL, NULL));
	PT_FAILS(WSAIoctl(u, SIO_UDP_NETRESET, NULL, 0, NULL, 0, &ret,
		NULL, NULL), WSAEFAULT);
	PT_FAILS(WSAIoctl(t, SIO_UDP_NETRESET, &on, sizeof(on), NULL, 0,
		&ret, NULL, NULL), WSAEINVAL);
	pt_close(u);
	pt_close(t);
}

static void
test_pktinfo_and_dontfragment_round_trip(void)
{
	static const int names[] = { IP_PKTINFO, IP_DONTFRAGMENT };
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);

	for (size_t i = 0; i < 2; i++) {
		int v = -1, len = sizeof(v);

		PT_OK(getsockopt(s, IPPROTO_IP, names[i], (char *)&v, &len));
		CU_ASSERT_EQUAL(v, 0);
		pt_setopt_int(s, IPPROTO_IP, names[i], 1);
		PT_OK(getsockopt(s, IPPROTO_IP, names[i], (char *)&v, &len));
		CU_ASSERT_EQUAL(v, 1);
	}
	pt_close(s);
}

/* With DF a datagram that needs fragments is refused; without, sent. */
static void
test_dontfragment_refuses_datagram_over_mtu_emsgsize(void)
{
	static char big[4000];
	struct sockaddr_in to = pt_sin(PT_IP, 9);
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);

	pt_setopt_int(s, IPPROTO_IP, IP_DONTFRAGMENT, 1);
	PT_FAILS(sendto(s, big, sizeof(big), 0, PT_SA(to), PT_SIN_LEN),
		WSAEMSGSIZE);
	PT_OK(sendto(s, big, 1000, 0, PT_SA(to), PT_SIN_LEN));
	pt_setopt_int(s, IPPROTO_IP, IP_DONTFRAGMENT, 0);
	PT_OK(sendto(s, big, sizeof(big), 0, PT_SA(to), PT_SIN_LEN));
	pt_close(s);
}

static void
test_unicast_if_takes_our_index_in_network_order(void)
{
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	DWORD idx = htonl(1), v = 0;
	int len = sizeof(v);

	PT_OK(setsockopt(s, IPPROTO_IP, IP_UNICAST_IF, (char *)&idx,
		sizeof(idx)));
	PT_OK(getsockopt(s, IPPROTO_IP, IP_UNICAST_IF, (char *)&v, &len));
	CU_ASSERT_EQUAL(v, idx);
	idx = htonl(7);
	PT_FAILS(setsockopt(s, IPPROTO_IP, IP_UNICAST_IF, (char *)&idx,
		sizeof(idx)), WSAEINVAL);
	PT_FAILS(setsockopt(s, IPPROTO_IP, IP_UNICAST_IF, (char *)&idx, 2),
		WSAEFAULT);
	pt_close(s);
}

static void
test_multicast_if_index_form_selects_our_address(void)
{
	SOCKET s = pt_socket(SOCK_DGRAM, IPPROTO_UDP);
	struct in_addr a, got;
	int len = sizeof(got);

	a.s_addr = htonl(1);		/* 0.0.0.1: interface index 1 */
	PT_OK(setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, (char *)&a,
		sizeof(a)));
	PT_OK(getsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, (char *)&got,
		&len));
	CU_ASSERT_EQUAL(ntohl(got.s_addr), PT_IP);
	a.s_addr = htonl(9);		/* no interface 9 */
	PT_FAILS(setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, (char *)&a,
		sizeof(a)), WSAEADDRNOTAVAIL);
	pt_close(s);
}

static const struct wt_test options_tests[] = {
	WT_TEST(test_routing_interface_query_answers_our_address),
	WT_TEST(test_address_list_query_lists_our_address),
	WT_TEST(test_udp_netreset_takes_a_bool_on_udp_only),
	WT_TEST(test_pktinfo_and_dontfragment_round_trip),
	WT_TEST(test_dontfragment_refuses_datagram_over_mtu_emsgsize),
	WT_TEST(test_unicast_if_takes_our_index_in_network_order),
	WT_TEST(test_multicast_if_index_form_selects_our_address),
	WT_TEST_END
};

const struct wt_suite test_ext_options_suite = {
	.name = "ext_options",
	.tests = options_tests,
	.clean = pt_suite_clean,
};

int
main(int argc, char **argv)
{
	static const struct wt_suite *const suites[] = {
		&test_ext_registry_suite,
		&test_ext_options_suite,
		&test_ext_msg_suite,
		&test_ext_tos_ttl_suite,
		&test_ext_msg_thread_suite,
		NULL
	};

	if (pt_startup() != 0)
		return 1;
	return pt_run(argc, argv, suites);
}
