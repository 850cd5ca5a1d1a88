/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_abi_gen.c: print the ABI of wsp_abi.h's POSIX branch as C asserts.
 *
 * Built natively against wsp_abi.h, it prints a C file of _Static_asserts
 * holding the sizes, alignments, member offsets and constant values *it*
 * sees.  check_abi.py compiles that file with x86_64-w64-mingw32-gcc
 * against the real Winsock headers, so every line that fails is a place
 * where the POSIX branch differs from Windows.  check_abi.py also fails if
 * a name declared in the POSIX branch is missing here.
 *
 * One check per output line; each message reads "ABI <expr> native=<v>"
 * so the script can say what differs.
 */

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>

#include "wsp_abi.h"

/* Signedness after integer promotion, as the compiler sees the constant. */
#define SIGNED(x)	_Generic((x) + 0, int: 1, long: 1, long long: 1, \
				 default: 0)

static void
konst(const char *expr, int is_signed, long long sv, unsigned long long uv,
      size_t size)
{
	if (is_signed)
		printf("_Static_assert((%s) == %lldLL, \"ABI %s native=%lld\");\n",
		       expr, sv, expr, sv);
	else
		printf("_Static_assert((%s) == %lluULL, \"ABI %s native=%llu\");\n",
		       expr, uv, expr, uv);
	printf("_Static_assert(sizeof(%s) == %zu, \"ABI sizeof(%s) native=%zu\");\n",
	       expr, size, expr, size);
	printf("_Static_assert(_Generic((%s) + 0, int: 1, long: 1, long long: 1,"
	       " default: 0) == %d, \"ABI signed(%s) native=%d\");\n",
	       expr, is_signed, expr, is_signed);
}

static void
type(const char *t, size_t size, size_t align)
{
	printf("_Static_assert(sizeof(%s) == %zu, \"ABI sizeof(%s) native=%zu\");\n",
	       t, size, t, size);
	printf("_Static_assert(alignof(%s) == %zu, \"ABI alignof(%s) native=%zu\");\n",
	       t, align, t, align);
}

static void
int_type(const char *t, size_t size, int is_signed)
{
	type(t, size, size);
	/* ~0 cast back to t is positive only for unsigned types. */
	printf("_Static_assert(!((%s)~(%s)0 > (%s)0) == %d, "
	       "\"ABI signed(%s) native=%d\");\n", t, t, t, is_signed, t,
	       is_signed);
}

static void
member(const char *t, const char *m, size_t off, size_t size)
{
	printf("_Static_assert(offsetof(%s, %s) == %zu, "
	       "\"ABI offsetof(%s, %s) native=%zu\");\n", t, m, off, t, m, off);
	printf("_Static_assert(sizeof(((%s *)0)->%s) == %zu, "
	       "\"ABI sizeof(((%s *)0)->%s) native=%zu\");\n", t, m, size, t, m,
	       size);
}

static void
generic(const char *what, const char *expr, const char *t)
{
	printf("_Static_assert(_Generic(%s, %s: 1, default: 0), "
	       "\"ABI %s native=1\");\n", expr, t, what);
}

/* Integer constant, or a constant expression using a function-like macro. */
#define K(x)		konst(#x, SIGNED(x), (long long)(x), \
			      (unsigned long long)(x), sizeof(x))
/* Type (struct, union, tag or typedef): size and alignment. */
#define T(t)		type(#t, sizeof(t), alignof(t))
/* Integer typedef: size, alignment, signedness. */
#define I(t)		int_type(#t, sizeof(t), !((t)~(t)0 > (t)0))
/* Member (or member path) of a struct: offset and size. */
#define O(t, m)		member(#t, #m, offsetof(t, m), sizeof(((t *)0)->m))
/* p is a pointer to t (also proves it natively). */
#define P(p, t)		do {						\
		_Static_assert(_Generic((p)0, t *: 1, default: 0), #p); \
		generic("type of " #p, "(" #p ")0", #t " *");		\
	} while (0)
/* a and b are the same type. */
#define SAME(a, b)	do {						\
		_Static_assert(_Generic((a *)0, b *: 1, default: 0), #a); \
		generic("type of " #a, "(" #a " *)0", #b " *");	\
	} while (0)
/* Function (or function macro) fn has pointer type ft. */
#define F(fn, ft)	do {						\
		_Static_assert(_Generic(&fn, ft: 1, default: 0), #fn);	\
		generic("type of " #fn, "&" #fn, #ft);			\
	} while (0)
/* Macro that expands to nothing here, a calling convention on Windows. */
#define D(m)		printf("#ifndef %s\n#error \"ABI %s native=defined\"\n" \
			       "#endif\n", #m, #m)

static void
base_types(void)
{
	I(BYTE); I(WORD); I(DWORD); I(LONG); I(ULONG); I(INT); I(UINT);
	I(BOOL); I(CHAR); I(UCHAR); I(WCHAR); I(SHORT); I(USHORT);
	I(u_char); I(u_short); I(u_int); I(u_long);
	I(INT_PTR); I(LONG_PTR); I(UINT_PTR); I(ULONG_PTR); I(DWORD_PTR);
	I(WPARAM); I(LPARAM); I(SOCKET); I(GROUP); I(ADDRESS_FAMILY);
	I(SERVICETYPE); I(SIZE_T); I(ULONGLONG);
	SAME(SIZE_T, ULONG_PTR);
	SAME(SOCKET, UINT_PTR); SAME(DWORD_PTR, ULONG_PTR);
	SAME(UINT_PTR, ULONG_PTR); SAME(INT_PTR, LONG_PTR);
	SAME(WPARAM, UINT_PTR); SAME(LPARAM, LONG_PTR);
	SAME(ADDRESS_FAMILY, u_short); SAME(SERVICETYPE, ULONG);
	SAME(WSAEVENT, HANDLE); SAME(WSAOVERLAPPED, OVERLAPPED);
	SAME(ULONG, DWORD); SAME(u_long, ULONG); SAME(INT, int);
	SAME(BOOL, int); SAME(UINT, unsigned int);

	P(PBYTE, BYTE); P(LPBYTE, BYTE); P(PWORD, WORD); P(LPWORD, WORD);
	P(PDWORD, DWORD); P(LPDWORD, DWORD); P(PLONG, LONG); P(LPLONG, LONG);
	P(PULONG, ULONG); P(PINT, INT); P(LPINT, INT); P(PUINT, UINT);
	P(PBOOL, BOOL); P(LPBOOL, BOOL); P(PWCHAR, WCHAR);
	P(PDWORD_PTR, DWORD_PTR); P(PVOID, void); P(LPVOID, void);
	P(LPSTR, CHAR); P(LPCSTR, const CHAR); P(LPWSTR, WCHAR);
	P(LPCWSTR, const WCHAR); P(HANDLE, void); P(LPHANDLE, HANDLE);
	P(HWND, struct HWND__); P(LPWSAEVENT, WSAEVENT);

	D(WSPAPI); D(WSAAPI); D(CALLBACK); D(PASCAL);
	K(TRUE); K(FALSE); K(INVALID_SOCKET); K(SOCKET_ERROR);
	K(MAKEWORD(2, 2)); K(MAKEWORD(0x1ff, 0x2fe));
	K(MAKELONG(0x1234, 0xfedc)); K(LOWORD(0x12345678));
	K(HIWORD(0x12345678)); K(LOBYTE(0x1234)); K(HIBYTE(0x1234));

	T(GUID); T(struct _GUID); P(LPGUID, GUID);
	O(GUID, Data1); O(GUID, Data2); O(GUID, Data3); O(GUID, Data4);
}

static void
addresses(void)
{
	T(struct in_addr); T(IN_ADDR); P(PIN_ADDR, IN_ADDR);
	P(LPIN_ADDR, IN_ADDR);
	O(IN_ADDR, S_un); O(IN_ADDR, S_un.S_un_b); O(IN_ADDR, S_un.S_un_w);
	O(IN_ADDR, S_un.S_addr);
	O(IN_ADDR, S_un.S_un_b.s_b1); O(IN_ADDR, S_un.S_un_b.s_b2);
	O(IN_ADDR, S_un.S_un_b.s_b3); O(IN_ADDR, S_un.S_un_b.s_b4);
	O(IN_ADDR, S_un.S_un_w.s_w1); O(IN_ADDR, S_un.S_un_w.s_w2);
	O(struct in_addr, s_addr); O(struct in_addr, s_host);
	O(struct in_addr, s_net); O(struct in_addr, s_imp);
	O(struct in_addr, s_impno); O(struct in_addr, s_lh);

	T(struct in6_addr); T(IN6_ADDR); P(PIN6_ADDR, IN6_ADDR);
	P(LPIN6_ADDR, IN6_ADDR);
	O(IN6_ADDR, u); O(IN6_ADDR, u.Byte); O(IN6_ADDR, u.Word);
	O(struct in6_addr, s6_addr); O(struct in6_addr, s6_bytes);
	O(struct in6_addr, s6_words);

	T(struct sockaddr); T(SOCKADDR); P(PSOCKADDR, SOCKADDR);
	P(LPSOCKADDR, SOCKADDR);
	O(SOCKADDR, sa_family); O(SOCKADDR, sa_data);

	T(struct sockaddr_in); T(SOCKADDR_IN); P(PSOCKADDR_IN, SOCKADDR_IN);
	P(LPSOCKADDR_IN, SOCKADDR_IN);
	O(SOCKADDR_IN, sin_family); O(SOCKADDR_IN, sin_port);
	O(SOCKADDR_IN, sin_addr); O(SOCKADDR_IN, sin_zero);

	T(struct sockaddr_in6_old);
	O(struct sockaddr_in6_old, sin6_family);
	O(struct sockaddr_in6_old, sin6_port);
	O(struct sockaddr_in6_old, sin6_flowinfo);
	O(struct sockaddr_in6_old, sin6_addr);

	T(sockaddr_gen); T(union sockaddr_gen);
	O(sockaddr_gen, Address); O(sockaddr_gen, AddressIn);
	O(sockaddr_gen, AddressIn6);

	T(struct sockaddr_storage); T(SOCKADDR_STORAGE);
	P(PSOCKADDR_STORAGE, SOCKADDR_STORAGE);
	P(LPSOCKADDR_STORAGE, SOCKADDR_STORAGE);
	O(SOCKADDR_STORAGE, ss_family); O(SOCKADDR_STORAGE, __ss_pad1);
	O(SOCKADDR_STORAGE, __ss_align); O(SOCKADDR_STORAGE, __ss_pad2);

	T(struct _SOCKET_ADDRESS); T(SOCKET_ADDRESS);
	P(PSOCKET_ADDRESS, SOCKET_ADDRESS); P(LPSOCKET_ADDRESS, SOCKET_ADDRESS);
	O(SOCKET_ADDRESS, lpSockaddr); O(SOCKET_ADDRESS, iSockaddrLength);

	T(struct _SOCKET_ADDRESS_LIST); T(SOCKET_ADDRESS_LIST);
	P(PSOCKET_ADDRESS_LIST, SOCKET_ADDRESS_LIST);
	P(LPSOCKET_ADDRESS_LIST, SOCKET_ADDRESS_LIST);
	O(SOCKET_ADDRESS_LIST, iAddressCount);
	O(SOCKET_ADDRESS_LIST, Address);

	T(struct _INTERFACE_INFO); T(INTERFACE_INFO);
	P(LPINTERFACE_INFO, INTERFACE_INFO);
	O(INTERFACE_INFO, iiFlags); O(INTERFACE_INFO, iiAddress);
	O(INTERFACE_INFO, iiBroadcastAddress); O(INTERFACE_INFO, iiNetmask);
	K(IFF_UP); K(IFF_BROADCAST); K(IFF_LOOPBACK); K(IFF_POINTTOPOINT);
	K(IFF_MULTICAST);

	T(struct ip_mreq); T(IP_MREQ); P(PIP_MREQ, IP_MREQ);
	O(IP_MREQ, imr_multiaddr); O(IP_MREQ, imr_interface);
	T(struct ip_mreq_source); T(IP_MREQ_SOURCE);
	P(PIP_MREQ_SOURCE, IP_MREQ_SOURCE);
	O(IP_MREQ_SOURCE, imr_multiaddr); O(IP_MREQ_SOURCE, imr_sourceaddr);
	O(IP_MREQ_SOURCE, imr_interface);

	T(struct linger); T(LINGER); P(PLINGER, LINGER); P(LPLINGER, LINGER);
	O(LINGER, l_onoff); O(LINGER, l_linger);

	T(struct tcp_keepalive);
	O(struct tcp_keepalive, onoff); O(struct tcp_keepalive, keepalivetime);
	O(struct tcp_keepalive, keepaliveinterval);
	T(struct _TCP_ACK_FREQUENCY_PARAMETERS); T(TCP_ACK_FREQUENCY_PARAMETERS);
	P(PTCP_ACK_FREQUENCY_PARAMETERS, TCP_ACK_FREQUENCY_PARAMETERS);
	O(TCP_ACK_FREQUENCY_PARAMETERS, TcpDelayedAckFrequency);

	T(struct timeval); T(TIMEVAL); P(PTIMEVAL, TIMEVAL);
	P(LPTIMEVAL, TIMEVAL);
	O(TIMEVAL, tv_sec); O(TIMEVAL, tv_usec);

	K(INADDR_ANY); K(INADDR_LOOPBACK); K(INADDR_BROADCAST);
	K(INADDR_NONE); K(ADDR_ANY); K(INET_ADDRSTRLEN); K(INET6_ADDRSTRLEN);

	F(htons, u_short (*)(u_short)); F(ntohs, u_short (*)(u_short));
	F(htonl, u_long (*)(u_long)); F(ntohl, u_long (*)(u_long));
}

static void
sets_and_options(void)
{
	T(fd_set); T(struct fd_set);
	O(fd_set, fd_count); O(fd_set, fd_array);
	K(FD_SETSIZE);
	F(__WSAFDIsSet, int (*)(SOCKET, fd_set *));
	/* The fd_set macros are statements: checked as compiling usage. */
	printf("static void wsp_abi_fd_usage(fd_set *s);\n"
	       "static void wsp_abi_fd_usage(fd_set *s) {\n"
	       "\tFD_ZERO(s);\n"
	       "\tFD_SET((SOCKET)4, s);\n"
	       "\tFD_CLR((SOCKET)4, s);\n"
	       "\t(void)FD_ISSET((SOCKET)4, s);\n"
	       "}\n");

	K(AF_UNSPEC); K(AF_INET); K(AF_INET6); K(PF_UNSPEC); K(PF_INET);
	K(PF_INET6);
	K(SOCK_STREAM); K(SOCK_DGRAM); K(SOCK_RAW); K(SOCK_RDM);
	K(SOCK_SEQPACKET);
	K(IPPROTO_IP); K(IPPROTO_ICMP); K(IPPROTO_IGMP); K(IPPROTO_TCP);
	K(IPPROTO_UDP); K(IPPROTO_IPV6); K(IPPROTO_RAW);
	K(FROM_PROTOCOL_INFO); K(SOMAXCONN);

	K(SOL_SOCKET); K(SO_DEBUG); K(SO_ACCEPTCONN); K(SO_REUSEADDR);
	K(SO_KEEPALIVE); K(SO_DONTROUTE); K(SO_BROADCAST); K(SO_USELOOPBACK);
	K(SO_LINGER); K(SO_OOBINLINE); K(SO_DONTLINGER);
	K(SO_EXCLUSIVEADDRUSE); K(SO_SNDBUF); K(SO_RCVBUF); K(SO_SNDLOWAT);
	K(SO_RCVLOWAT); K(SO_SNDTIMEO); K(SO_RCVTIMEO); K(SO_ERROR);
	K(SO_TYPE); K(SO_GROUP_ID); K(SO_GROUP_PRIORITY); K(SO_MAX_MSG_SIZE);
	K(SO_PROTOCOL_INFOA); K(SO_PROTOCOL_INFOW); K(PVD_CONFIG);
	K(SO_CONDITIONAL_ACCEPT); K(SO_CONNDATA); K(SO_CONNOPT);
	K(SO_DISCDATA); K(SO_DISCOPT); K(SO_CONNDATALEN); K(SO_CONNOPTLEN);
	K(SO_DISCDATALEN); K(SO_DISCOPTLEN); K(SO_OPENTYPE);
	K(SO_SYNCHRONOUS_ALERT); K(SO_SYNCHRONOUS_NONALERT); K(SO_MAXDG);
	K(SO_MAXPATHDG); K(SO_UPDATE_ACCEPT_CONTEXT); K(SO_CONNECT_TIME);
	K(SO_UPDATE_CONNECT_CONTEXT); K(TCP_NODELAY);

	K(IP_OPTIONS); K(IP_HDRINCL); K(IP_TOS); K(IP_TTL);
	K(IP_MULTICAST_IF); K(IP_MULTICAST_TTL); K(IP_MULTICAST_LOOP);
	K(IP_ADD_MEMBERSHIP); K(IP_DROP_MEMBERSHIP); K(IP_DONTFRAGMENT);
	K(IP_ADD_SOURCE_MEMBERSHIP); K(IP_DROP_SOURCE_MEMBERSHIP);
	K(IP_BLOCK_SOURCE); K(IP_UNBLOCK_SOURCE); K(IP_PKTINFO); K(IP_UNICAST_IF);
	K(IP_RECVTTL); K(IP_RECVTOS);

	K(MSG_OOB); K(MSG_PEEK); K(MSG_DONTROUTE); K(MSG_WAITALL);
	K(MSG_INTERRUPT); K(MSG_PARTIAL); K(MSG_TRUNC); K(MSG_CTRUNC);
	K(MSG_BCAST); K(MSG_MCAST);
	K(SD_RECEIVE); K(SD_SEND); K(SD_BOTH);
	K(CF_ACCEPT); K(CF_REJECT); K(CF_DEFER);

	K(IOC_UNIX); K(IOC_WS2); K(IOC_PROTOCOL); K(IOC_VENDOR);
	K(FIONREAD); K(FIONBIO); K(FIOASYNC); K(SIOCATMARK);
	K(SIO_GET_INTERFACE_LIST); K(SIO_GET_EXTENSION_FUNCTION_POINTER);
	K(SIO_ROUTING_INTERFACE_QUERY); K(SIO_ROUTING_INTERFACE_CHANGE);
	K(SIO_ADDRESS_LIST_QUERY); K(SIO_ADDRESS_LIST_CHANGE);
	K(SIO_QUERY_TARGET_PNP_HANDLE); K(SIO_BSP_HANDLE);
	K(SIO_BSP_HANDLE_SELECT); K(SIO_BSP_HANDLE_POLL); K(SIO_BASE_HANDLE);
	K(SIO_KEEPALIVE_VALS); K(SIO_UDP_CONNRESET);
	K(SIO_TCP_SET_ACK_FREQUENCY);
	K(SIO_EXT_SELECT); K(SIO_EXT_POLL); K(SIO_EXT_SENDMSG);
	K(POLLRDNORM); K(POLLRDBAND); K(POLLIN); K(POLLPRI); K(POLLWRNORM);
	K(POLLOUT); K(POLLWRBAND); K(POLLERR); K(POLLHUP); K(POLLNVAL);

	K(FD_READ_BIT); K(FD_READ); K(FD_WRITE_BIT); K(FD_WRITE);
	K(FD_OOB_BIT); K(FD_OOB); K(FD_ACCEPT_BIT); K(FD_ACCEPT);
	K(FD_CONNECT_BIT); K(FD_CONNECT); K(FD_CLOSE_BIT); K(FD_CLOSE);
	K(FD_QOS_BIT); K(FD_QOS); K(FD_GROUP_QOS_BIT); K(FD_GROUP_QOS);
	K(FD_ROUTING_INTERFACE_CHANGE_BIT); K(FD_ROUTING_INTERFACE_CHANGE);
	K(FD_ADDRESS_LIST_CHANGE_BIT); K(FD_ADDRESS_LIST_CHANGE);
	K(FD_MAX_EVENTS); K(FD_ALL_EVENTS);
	K(WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET));
	K(WSAGETSELECTEVENT(0x27460020)); K(WSAGETSELECTERROR(0x27460020));
}

static void
errors(void)
{
	K(WSABASEERR); K(WSAEINTR); K(WSAEBADF); K(WSAEACCES); K(WSAEFAULT);
	K(WSAEINVAL); K(WSAEMFILE); K(WSAEWOULDBLOCK); K(WSAEINPROGRESS);
	K(WSAEALREADY); K(WSAENOTSOCK); K(WSAEDESTADDRREQ); K(WSAEMSGSIZE);
	K(WSAEPROTOTYPE); K(WSAENOPROTOOPT); K(WSAEPROTONOSUPPORT);
	K(WSAESOCKTNOSUPPORT); K(WSAEOPNOTSUPP); K(WSAEPFNOSUPPORT);
	K(WSAEAFNOSUPPORT); K(WSAEADDRINUSE); K(WSAEADDRNOTAVAIL);
	K(WSAENETDOWN); K(WSAENETUNREACH); K(WSAENETRESET);
	K(WSAECONNABORTED); K(WSAECONNRESET); K(WSAENOBUFS); K(WSAEISCONN);
	K(WSAENOTCONN); K(WSAESHUTDOWN); K(WSAETOOMANYREFS); K(WSAETIMEDOUT);
	K(WSAECONNREFUSED); K(WSAELOOP); K(WSAENAMETOOLONG); K(WSAEHOSTDOWN);
	K(WSAEHOSTUNREACH); K(WSAENOTEMPTY); K(WSAEPROCLIM); K(WSAEUSERS);
	K(WSAEDQUOT); K(WSAESTALE); K(WSAEREMOTE); K(WSASYSNOTREADY);
	K(WSAVERNOTSUPPORTED); K(WSANOTINITIALISED); K(WSAEDISCON);
	K(WSAENOMORE); K(WSAECANCELLED); K(WSAEINVALIDPROCTABLE);
	K(WSAEINVALIDPROVIDER); K(WSAEPROVIDERFAILEDINIT);
	K(WSASYSCALLFAILURE); K(WSASERVICE_NOT_FOUND); K(WSATYPE_NOT_FOUND);
	K(WSA_E_NO_MORE); K(WSA_E_CANCELLED); K(WSAEREFUSED);
	K(WSAHOST_NOT_FOUND); K(WSATRY_AGAIN); K(WSANO_RECOVERY);
	K(WSANO_DATA); K(WSANO_ADDRESS);
	K(WSA_QOS_RECEIVERS); K(WSA_QOS_SENDERS); K(WSA_QOS_NO_SENDERS);
	K(WSA_QOS_NO_RECEIVERS); K(WSA_QOS_REQUEST_CONFIRMED);
	K(WSA_QOS_ADMISSION_FAILURE); K(WSA_QOS_POLICY_FAILURE);
	K(WSA_QOS_BAD_STYLE); K(WSA_QOS_BAD_OBJECT);
	K(WSA_QOS_TRAFFIC_CTRL_ERROR); K(WSA_QOS_GENERIC_ERROR);
	K(WSA_QOS_ESERVICETYPE); K(WSA_QOS_EFLOWSPEC);
	K(WSA_QOS_EPROVSPECBUF); K(WSA_QOS_EFILTERSTYLE);
	K(WSA_QOS_EFILTERTYPE); K(WSA_QOS_EFILTERCOUNT);
	K(WSA_QOS_EOBJLENGTH); K(WSA_QOS_EFLOWCOUNT);
	K(WSA_QOS_EUNKNOWNPSOBJ); K(WSA_QOS_EPOLICYOBJ);
	K(WSA_QOS_EFLOWDESC); K(WSA_QOS_EPSFLOWSPEC);
	K(WSA_QOS_EPSFILTERSPEC); K(WSA_QOS_ESDMODEOBJ);
	K(WSA_QOS_ESHAPERATEOBJ); K(WSA_QOS_RESERVED_PETYPE);

	K(WSA_INVALID_HANDLE); K(WSA_NOT_ENOUGH_MEMORY);
	K(WSA_INVALID_PARAMETER); K(WSA_OPERATION_ABORTED);
	K(WSA_IO_INCOMPLETE); K(WSA_IO_PENDING); K(WSS_OPERATION_IN_PROGRESS);
	K(WSA_MAXIMUM_WAIT_EVENTS); K(WSA_WAIT_FAILED); K(WSA_WAIT_EVENT_0);
	K(WSA_WAIT_IO_COMPLETION); K(WSA_WAIT_TIMEOUT); K(WSA_INFINITE);
	/* A pointer constant: type and null-ness. */
	_Static_assert((WSA_INVALID_EVENT) == NULL, "WSA_INVALID_EVENT");
	generic("type of WSA_INVALID_EVENT", "WSA_INVALID_EVENT", "WSAEVENT");
	printf("_Static_assert((WSA_INVALID_EVENT) == 0, "
	       "\"ABI WSA_INVALID_EVENT native=0\");\n");
}

static void
catalog(void)
{
	K(WSA_FLAG_OVERLAPPED); K(WSA_FLAG_MULTIPOINT_C_ROOT);
	K(WSA_FLAG_MULTIPOINT_C_LEAF); K(WSA_FLAG_MULTIPOINT_D_ROOT);
	K(WSA_FLAG_MULTIPOINT_D_LEAF); K(WSA_FLAG_ACCESS_SYSTEM_SECURITY);
	K(WSA_FLAG_NO_HANDLE_INHERIT); K(WSA_FLAG_REGISTERED_IO);
	K(MAX_PROTOCOL_CHAIN); K(BASE_PROTOCOL); K(LAYERED_PROTOCOL);
	K(WSAPROTOCOL_LEN); K(WSPDESCRIPTION_LEN); K(WSADESCRIPTION_LEN);
	K(WSASYS_STATUS_LEN);
	K(PFL_MULTIPLE_PROTO_ENTRIES); K(PFL_RECOMMENDED_PROTO_ENTRY);
	K(PFL_HIDDEN); K(PFL_MATCHES_PROTOCOL_ZERO);
	K(PFL_NETWORKDIRECT_PROVIDER);
	K(XP1_CONNECTIONLESS); K(XP1_GUARANTEED_DELIVERY);
	K(XP1_GUARANTEED_ORDER); K(XP1_MESSAGE_ORIENTED);
	K(XP1_PSEUDO_STREAM); K(XP1_GRACEFUL_CLOSE); K(XP1_EXPEDITED_DATA);
	K(XP1_CONNECT_DATA); K(XP1_DISCONNECT_DATA);
	K(XP1_SUPPORT_BROADCAST); K(XP1_SUPPORT_MULTIPOINT);
	K(XP1_MULTIPOINT_CONTROL_PLANE); K(XP1_MULTIPOINT_DATA_PLANE);
	K(XP1_QOS_SUPPORTED); K(XP1_INTERRUPT); K(XP1_UNI_SEND);
	K(XP1_UNI_RECV); K(XP1_IFS_HANDLES); K(XP1_PARTIAL_MESSAGE);
	K(XP1_SAN_SUPPORT_SDP);
	K(BIGENDIAN); K(LITTLEENDIAN); K(SECURITY_PROTOCOL_NONE);

	T(struct _WSAPROTOCOLCHAIN); T(WSAPROTOCOLCHAIN);
	P(LPWSAPROTOCOLCHAIN, WSAPROTOCOLCHAIN);
	O(WSAPROTOCOLCHAIN, ChainLen); O(WSAPROTOCOLCHAIN, ChainEntries);
}

/* WSAPROTOCOL_INFOA and W differ only in szProtocol's element type. */
#define PROTOCOL_INFO_MEMBERS(t) do {					\
	O(t, dwServiceFlags1); O(t, dwServiceFlags2);			\
	O(t, dwServiceFlags3); O(t, dwServiceFlags4);			\
	O(t, dwProviderFlags); O(t, ProviderId); O(t, dwCatalogEntryId); \
	O(t, ProtocolChain); O(t, iVersion); O(t, iAddressFamily);	\
	O(t, iMaxSockAddr); O(t, iMinSockAddr); O(t, iSocketType);	\
	O(t, iProtocol); O(t, iProtocolMaxOffset);			\
	O(t, iNetworkByteOrder); O(t, iSecurityScheme);			\
	O(t, dwMessageSize); O(t, dwProviderReserved); O(t, szProtocol); \
	} while (0)

static void
api_structs(void)
{
	T(struct _WSABUF); T(WSABUF); P(LPWSABUF, WSABUF);
	O(WSABUF, len); O(WSABUF, buf);

	T(struct _OVERLAPPED); T(OVERLAPPED); T(WSAOVERLAPPED);
	P(LPOVERLAPPED, OVERLAPPED); P(LPWSAOVERLAPPED, struct _OVERLAPPED);
	O(OVERLAPPED, Internal); O(OVERLAPPED, InternalHigh);
	O(OVERLAPPED, Offset); O(OVERLAPPED, OffsetHigh);
	O(OVERLAPPED, Pointer); O(OVERLAPPED, hEvent);

	T(struct _flowspec); T(FLOWSPEC); P(PFLOWSPEC, FLOWSPEC);
	P(LPFLOWSPEC, FLOWSPEC);
	O(FLOWSPEC, TokenRate); O(FLOWSPEC, TokenBucketSize);
	O(FLOWSPEC, PeakBandwidth); O(FLOWSPEC, Latency);
	O(FLOWSPEC, DelayVariation); O(FLOWSPEC, ServiceType);
	O(FLOWSPEC, MaxSduSize); O(FLOWSPEC, MinimumPolicedSize);

	T(struct _QualityOfService); T(QOS); P(LPQOS, QOS);
	O(QOS, SendingFlowspec); O(QOS, ReceivingFlowspec);
	O(QOS, ProviderSpecific);

	T(struct _WSANETWORKEVENTS); T(WSANETWORKEVENTS);
	P(LPWSANETWORKEVENTS, WSANETWORKEVENTS);
	O(WSANETWORKEVENTS, lNetworkEvents); O(WSANETWORKEVENTS, iErrorCode);

	T(struct _WSAPROTOCOL_INFOA); T(WSAPROTOCOL_INFOA);
	P(LPWSAPROTOCOL_INFOA, WSAPROTOCOL_INFOA);
	PROTOCOL_INFO_MEMBERS(WSAPROTOCOL_INFOA);
	T(struct _WSAPROTOCOL_INFOW); T(WSAPROTOCOL_INFOW);
	P(LPWSAPROTOCOL_INFOW, WSAPROTOCOL_INFOW);
	PROTOCOL_INFO_MEMBERS(WSAPROTOCOL_INFOW);

	T(struct WSAData); T(WSADATA); P(LPWSADATA, WSADATA);
	O(WSADATA, wVersion); O(WSADATA, wHighVersion);
	O(WSADATA, iMaxSockets); O(WSADATA, iMaxUdpDg);
	O(WSADATA, lpVendorInfo); O(WSADATA, szDescription);
	O(WSADATA, szSystemStatus);
}

/*
 * A GUID macro is an initializer, not a constant expression: C cannot
 * compare it at compile time, so only its use is checked (the values are
 * mswsock.h's, copied).
 */
#define G(m)	printf("static const GUID wsp_abi_%s = %s;\n", #m, #m)

static void
messages(void)
{
	T(struct _WSAMSG); T(WSAMSG); P(PWSAMSG, WSAMSG); P(LPWSAMSG, WSAMSG);
	O(WSAMSG, name); O(WSAMSG, namelen); O(WSAMSG, lpBuffers);
	O(WSAMSG, dwBufferCount); O(WSAMSG, Control); O(WSAMSG, dwFlags);
	T(struct _WSACMSGHDR); T(WSACMSGHDR); P(PWSACMSGHDR, WSACMSGHDR);
	P(LPWSACMSGHDR, WSACMSGHDR);
	O(WSACMSGHDR, cmsg_len); O(WSACMSGHDR, cmsg_level);
	O(WSACMSGHDR, cmsg_type);
	K(MAX_NATURAL_ALIGNMENT); K(TYPE_ALIGNMENT(WSACMSGHDR));
	K(WSA_CMSGHDR_ALIGN(5)); K(WSA_CMSGDATA_ALIGN(5));
	K(WSA_CMSG_SPACE(sizeof(IN_PKTINFO))); K(WSA_CMSG_LEN(4));
	K(WSA_CMSG_SPACE(1)); K(WSA_CMSG_LEN(1));
	/* The header walk: offsets from a buffer, as the macros compute
	 * them. */
	printf("static long wsp_abi_cmsg_usage(void);\n"
	       "static long wsp_abi_cmsg_usage(void) {\n"
	       "\tstatic char b[64];\n"
	       "\tWSAMSG m = { .Control = { sizeof(b), b } };\n"
	       "\tWSACMSGHDR *c = WSA_CMSG_FIRSTHDR(&m);\n"
	       "\tc->cmsg_len = WSA_CMSG_LEN(8);\n"
	       "\treturn (char *)WSA_CMSG_NXTHDR(&m, c) - b +\n"
	       "\t\t((char *)WSA_CMSG_DATA(c) - b);\n"
	       "}\n");
	T(struct in_pktinfo); T(IN_PKTINFO);
	O(IN_PKTINFO, ipi_addr); O(IN_PKTINFO, ipi_ifindex);
	T(WSASENDMSG); P(LPWSASENDMSG, WSASENDMSG);
	O(WSASENDMSG, lpMsg); O(WSASENDMSG, dwFlags);
	O(WSASENDMSG, lpNumberOfBytesSent); O(WSASENDMSG, lpOverlapped);
	O(WSASENDMSG, lpCompletionRoutine);
	T(struct pollfd); T(WSAPOLLFD); P(PWSAPOLLFD, WSAPOLLFD);
	P(LPWSAPOLLFD, WSAPOLLFD);
	O(WSAPOLLFD, fd); O(WSAPOLLFD, events); O(WSAPOLLFD, revents);
	T(WSAPOLLDATA); P(LPWSAPOLLDATA, WSAPOLLDATA);
	O(WSAPOLLDATA, result); O(WSAPOLLDATA, fds); O(WSAPOLLDATA, timeout);
	K(offsetof(WSAPOLLDATA, fdArray));
	G(WSAID_TRANSMITFILE); G(WSAID_ACCEPTEX);
	G(WSAID_GETACCEPTEXSOCKADDRS); G(WSAID_TRANSMITPACKETS);
	G(WSAID_CONNECTEX); G(WSAID_DISCONNECTEX); G(WSAID_WSARECVMSG);
	G(WSAID_WSAPOLL); G(WSAID_WSASENDMSG);
}

static void
transmit(void)
{
	K(TF_DISCONNECT); K(TF_REUSE_SOCKET); K(TF_WRITE_BEHIND);
	K(TF_USE_DEFAULT_WORKER); K(TF_USE_SYSTEM_THREAD);
	K(TF_USE_KERNEL_APC); K(TP_DISCONNECT); K(TP_REUSE_SOCKET);
	K(TP_USE_DEFAULT_WORKER); K(TP_USE_SYSTEM_THREAD);
	K(TP_USE_KERNEL_APC); K(TP_ELEMENT_MEMORY); K(TP_ELEMENT_FILE);
	K(TP_ELEMENT_EOP); K(DE_REUSE_SOCKET);
	I(LONGLONG);
	T(union _LARGE_INTEGER); T(LARGE_INTEGER);
	P(PLARGE_INTEGER, LARGE_INTEGER);
	O(LARGE_INTEGER, LowPart); O(LARGE_INTEGER, HighPart);
	O(LARGE_INTEGER, u.LowPart); O(LARGE_INTEGER, u.HighPart);
	O(LARGE_INTEGER, u); O(LARGE_INTEGER, QuadPart);
	T(struct _TRANSMIT_FILE_BUFFERS); T(TRANSMIT_FILE_BUFFERS);
	P(PTRANSMIT_FILE_BUFFERS, TRANSMIT_FILE_BUFFERS);
	P(LPTRANSMIT_FILE_BUFFERS, TRANSMIT_FILE_BUFFERS);
	O(TRANSMIT_FILE_BUFFERS, Head); O(TRANSMIT_FILE_BUFFERS, HeadLength);
	O(TRANSMIT_FILE_BUFFERS, Tail); O(TRANSMIT_FILE_BUFFERS, TailLength);
	T(struct _TRANSMIT_PACKETS_ELEMENT); T(TRANSMIT_PACKETS_ELEMENT);
	P(PTRANSMIT_PACKETS_ELEMENT, TRANSMIT_PACKETS_ELEMENT);
	P(LPTRANSMIT_PACKETS_ELEMENT, TRANSMIT_PACKETS_ELEMENT);
	O(TRANSMIT_PACKETS_ELEMENT, dwElFlags);
	O(TRANSMIT_PACKETS_ELEMENT, cLength);
	O(TRANSMIT_PACKETS_ELEMENT, nFileOffset);
	O(TRANSMIT_PACKETS_ELEMENT, hFile);
	O(TRANSMIT_PACKETS_ELEMENT, pBuffer);
}

static void
spi_structs(void)
{
	T(struct WSPData); T(WSPDATA); P(LPWSPDATA, WSPDATA);
	O(WSPDATA, wVersion); O(WSPDATA, wHighVersion);
	O(WSPDATA, szDescription);

	T(struct _WSATHREADID); T(WSATHREADID);
	P(LPWSATHREADID, WSATHREADID);
	O(WSATHREADID, ThreadHandle); O(WSATHREADID, Reserved);

	T(struct _WSPPROC_TABLE); T(WSPPROC_TABLE);
	P(LPWSPPROC_TABLE, WSPPROC_TABLE);
	O(WSPPROC_TABLE, lpWSPAccept); O(WSPPROC_TABLE, lpWSPAddressToString);
	O(WSPPROC_TABLE, lpWSPAsyncSelect); O(WSPPROC_TABLE, lpWSPBind);
	O(WSPPROC_TABLE, lpWSPCancelBlockingCall);
	O(WSPPROC_TABLE, lpWSPCleanup); O(WSPPROC_TABLE, lpWSPCloseSocket);
	O(WSPPROC_TABLE, lpWSPConnect); O(WSPPROC_TABLE, lpWSPDuplicateSocket);
	O(WSPPROC_TABLE, lpWSPEnumNetworkEvents);
	O(WSPPROC_TABLE, lpWSPEventSelect);
	O(WSPPROC_TABLE, lpWSPGetOverlappedResult);
	O(WSPPROC_TABLE, lpWSPGetPeerName); O(WSPPROC_TABLE, lpWSPGetSockName);
	O(WSPPROC_TABLE, lpWSPGetSockOpt); O(WSPPROC_TABLE, lpWSPGetQOSByName);
	O(WSPPROC_TABLE, lpWSPIoctl); O(WSPPROC_TABLE, lpWSPJoinLeaf);
	O(WSPPROC_TABLE, lpWSPListen); O(WSPPROC_TABLE, lpWSPRecv);
	O(WSPPROC_TABLE, lpWSPRecvDisconnect); O(WSPPROC_TABLE, lpWSPRecvFrom);
	O(WSPPROC_TABLE, lpWSPSelect); O(WSPPROC_TABLE, lpWSPSend);
	O(WSPPROC_TABLE, lpWSPSendDisconnect); O(WSPPROC_TABLE, lpWSPSendTo);
	O(WSPPROC_TABLE, lpWSPSetSockOpt); O(WSPPROC_TABLE, lpWSPShutdown);
	O(WSPPROC_TABLE, lpWSPSocket); O(WSPPROC_TABLE, lpWSPStringToAddress);

	T(struct _WSPUPCALLTABLE); T(WSPUPCALLTABLE);
	P(LPWSPUPCALLTABLE, WSPUPCALLTABLE);
	O(WSPUPCALLTABLE, lpWPUCloseEvent);
	O(WSPUPCALLTABLE, lpWPUCloseSocketHandle);
	O(WSPUPCALLTABLE, lpWPUCreateEvent);
	O(WSPUPCALLTABLE, lpWPUCreateSocketHandle);
	O(WSPUPCALLTABLE, lpWPUFDIsSet); O(WSPUPCALLTABLE, lpWPUGetProviderPath);
	O(WSPUPCALLTABLE, lpWPUModifyIFSHandle);
	O(WSPUPCALLTABLE, lpWPUPostMessage);
	O(WSPUPCALLTABLE, lpWPUQueryBlockingCallback);
	O(WSPUPCALLTABLE, lpWPUQuerySocketHandleContext);
	O(WSPUPCALLTABLE, lpWPUQueueApc); O(WSPUPCALLTABLE, lpWPUResetEvent);
	O(WSPUPCALLTABLE, lpWPUSetEvent);
	O(WSPUPCALLTABLE, lpWPUOpenCurrentThread);
	O(WSPUPCALLTABLE, lpWPUCloseThread);
}

int
main(void)
{
	/* The generated file is compiled by mingw: it needs the real headers. */
	printf("/* Generated by wsp_abi_gen from wsp_abi.h: do not edit. */\n"
	       "#include <winsock2.h>\n#include <ws2tcpip.h>\n"
	       "#include <ws2spi.h>\n#include <mswsock.h>\n"
	       "#include <mstcpip.h>\n#include <stdalign.h>\n"
	       "#include <stddef.h>\n");
	base_types();
	addresses();
	sets_and_options();
	errors();
	catalog();
	api_structs();
	messages();
	transmit();
	spi_structs();
	return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
