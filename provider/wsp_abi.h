/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_abi.h: the only place Winsock types and constants come from.
 *
 * On Windows this is the real mingw-w64 <winsock2.h>/<ws2spi.h> family.
 * Elsewhere it re-declares the same names with the Windows x64 (LLP64)
 * layout and values, so that the provider, the Ws2_32 stand-in and the
 * tests are compiled against exactly what Ws2_32 passes on Windows:
 * DWORD/LONG/u_long/INT are 32-bit, SOCKET, HANDLE and the _PTR types are
 * 64-bit, WCHAR is 16-bit, fd_set is an array of SOCKETs, struct timeval
 * holds two 32-bit longs.
 *
 * tests/provider/abi/ checks every size, offset and value of the POSIX
 * branch against the mingw headers.  Anything added here must be added to
 * tests/provider/abi/wsp_abi_gen.c too; that test fails until it is.
 *
 * Struct tags keep their Windows spelling (struct _WSABUF, ...) so that
 * Windows sources compile unchanged; they are ABI names, not our style.
 */

#ifndef _WSP_ABI_H_
#define _WSP_ABI_H_

#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <mswsock.h>
#include <mstcpip.h>

#else /* !_WIN32: POSIX re-declaration, checked by tests/provider/abi */

#if defined(_SYS_SOCKET_H) || defined(_NETINET_IN_H) || defined(_ARPA_INET_H)
#error "wsp_abi.h: no BSD socket headers in a Winsock TU"
#endif

/*
 * glibc collisions.  Under _GNU_SOURCE, <stdlib.h> and <sys/types.h> pull
 * in glibc's fd_set, struct timeval, u_long (64-bit) and FD_* macros.  We
 * include those headers first so their include guards are set and their
 * prototypes (select, gettimeofday) keep glibc's types; then every
 * colliding Windows name is #defined to a wsp_ name before the Windows
 * version is declared.  Code written with the Windows spelling
 * (struct timeval, fd_set, struct sockaddr_in, ...) thus gets the Windows
 * layout whatever the include order.  The price: after this header, such a
 * TU cannot name glibc's versions, and glibc headers that embed a
 * struct timeval (e.g. <sys/resource.h>) must be included before it.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>

#define u_long			wsp_u_long
#define timeval			wsp_timeval
#define fd_set			wsp_fd_set
#define in_addr			wsp_in_addr
#define in6_addr		wsp_in6_addr
#define sockaddr		wsp_sockaddr
#define sockaddr_in		wsp_sockaddr_in
#define sockaddr_storage	wsp_sockaddr_storage
#define linger			wsp_linger
#define ip_mreq			wsp_ip_mreq
#define ip_mreq_source		wsp_ip_mreq_source

#undef FD_SETSIZE
#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO

/* Calling conventions: the native C convention on POSIX. */
#define WSPAPI
#define WSAAPI
#define CALLBACK
#define PASCAL

/* Base types (minwindef.h, winnt.h, basetsd.h, _bsd_types.h). */
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef uint16_t WORD, *PWORD, *LPWORD;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef int32_t LONG, *PLONG, *LPLONG;
typedef uint32_t ULONG, *PULONG;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef uint16_t WCHAR, *PWCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef uint32_t u_long;
typedef intptr_t INT_PTR, LONG_PTR;
typedef uintptr_t UINT_PTR, ULONG_PTR, DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef void *PVOID, *LPVOID;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef void *HANDLE, **LPHANDLE;
typedef struct HWND__ *HWND;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef HANDLE WSAEVENT, *LPWSAEVENT;
typedef UINT_PTR SOCKET;
typedef unsigned int GROUP;
typedef u_short ADDRESS_FAMILY;
typedef ULONG SERVICETYPE;

#define TRUE			1
#define FALSE			0

typedef struct _GUID {
	ULONG Data1;
	USHORT Data2;
	USHORT Data3;
	UCHAR Data4[8];
} GUID, *LPGUID;

#define INVALID_SOCKET		(SOCKET)(~0)
#define SOCKET_ERROR		(-1)

#define MAKEWORD(a, b)		((WORD)(((BYTE)(((DWORD_PTR)(a)) & 0xff)) | \
				 ((WORD)((BYTE)(((DWORD_PTR)(b)) & 0xff))) << 8))
#define MAKELONG(a, b)		((LONG)(((WORD)(((DWORD_PTR)(a)) & 0xffff)) | \
				 ((DWORD)((WORD)(((DWORD_PTR)(b)) & 0xffff))) << 16))
#define LOWORD(l)		((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l)		((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define LOBYTE(w)		((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w)		((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))

/* Addresses (inaddr.h, in6addr.h, _ip_types.h, winsock2.h, ws2ipdef.h). */
typedef struct in_addr {
	union {
		struct {
			u_char s_b1, s_b2, s_b3, s_b4;
		} S_un_b;
		struct {
			u_short s_w1, s_w2;
		} S_un_w;
		u_long S_addr;
	} S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

#define s_addr			S_un.S_addr
#define s_host			S_un.S_un_b.s_b2
#define s_net			S_un.S_un_b.s_b1
#define s_imp			S_un.S_un_w.s_w2
#define s_impno			S_un.S_un_b.s_b4
#define s_lh			S_un.S_un_b.s_b3

typedef struct in6_addr {
	union {
		u_char Byte[16];
		u_short Word[8];
	} u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

#define s6_addr			u.Byte
#define s6_bytes		u.Byte
#define s6_words		u.Word

typedef struct sockaddr {
	u_short sa_family;
	char sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef struct sockaddr_in {
	short sin_family;
	u_short sin_port;
	struct in_addr sin_addr;
	char sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

struct sockaddr_in6_old {
	short sin6_family;
	u_short sin6_port;
	u_long sin6_flowinfo;
	struct in6_addr sin6_addr;
};

typedef union sockaddr_gen {
	struct sockaddr Address;
	struct sockaddr_in AddressIn;
	struct sockaddr_in6_old AddressIn6;
} sockaddr_gen;

typedef struct sockaddr_storage {
	short ss_family;
	char __ss_pad1[6];
	int64_t __ss_align;
	char __ss_pad2[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

typedef struct _SOCKET_ADDRESS {
	LPSOCKADDR lpSockaddr;
	INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

typedef struct _SOCKET_ADDRESS_LIST {
	INT iAddressCount;
	SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;

typedef struct _INTERFACE_INFO {
	u_long iiFlags;
	sockaddr_gen iiAddress;
	sockaddr_gen iiBroadcastAddress;
	sockaddr_gen iiNetmask;
} INTERFACE_INFO, *LPINTERFACE_INFO;

#define IFF_UP			0x00000001
#define IFF_BROADCAST		0x00000002
#define IFF_LOOPBACK		0x00000004
#define IFF_POINTTOPOINT	0x00000008
#define IFF_MULTICAST		0x00000010

typedef struct ip_mreq {
	struct in_addr imr_multiaddr;
	struct in_addr imr_interface;
} IP_MREQ, *PIP_MREQ;

typedef struct ip_mreq_source {
	IN_ADDR imr_multiaddr;
	IN_ADDR imr_sourceaddr;
	IN_ADDR imr_interface;
} IP_MREQ_SOURCE, *PIP_MREQ_SOURCE;

typedef struct linger {
	u_short l_onoff;
	u_short l_linger;
} LINGER, *PLINGER, *LPLINGER;

struct tcp_keepalive {
	u_long onoff;
	u_long keepalivetime;
	u_long keepaliveinterval;
};

typedef struct _TCP_ACK_FREQUENCY_PARAMETERS {
	UCHAR TcpDelayedAckFrequency;
} TCP_ACK_FREQUENCY_PARAMETERS, *PTCP_ACK_FREQUENCY_PARAMETERS;

typedef struct timeval {
	LONG tv_sec;
	LONG tv_usec;
} TIMEVAL, *PTIMEVAL, *LPTIMEVAL;

#define INADDR_ANY		(u_long)0x00000000
#define INADDR_LOOPBACK		0x7f000001
#define INADDR_BROADCAST	(u_long)0xffffffff
#define INADDR_NONE		0xffffffff
#define ADDR_ANY		INADDR_ANY
#define INET_ADDRSTRLEN		22
#define INET6_ADDRSTRLEN	65

/*
 * Byte order.  Windows gets these from Ws2_32; glibc's live in headers we
 * must not include, so provide our own (x86 and ARM hosts are LE).
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline u_short
wsp_htons(u_short x)
{
	return __builtin_bswap16(x);
}

static inline u_long
wsp_htonl(u_long x)
{
	return __builtin_bswap32(x);
}
#else
static inline u_short
wsp_htons(u_short x)
{
	return x;
}

static inline u_long
wsp_htonl(u_long x)
{
	return x;
}
#endif
#define htons			wsp_htons
#define ntohs			wsp_htons
#define htonl			wsp_htonl
#define ntohl			wsp_htonl

/* select() sets (_fd_types.h): an array of handles, not a bitmap. */
#define FD_SETSIZE		64

typedef struct fd_set {
	u_int fd_count;
	SOCKET fd_array[FD_SETSIZE];
} fd_set;

int WSAAPI __WSAFDIsSet(SOCKET s, fd_set *set);

#define FD_CLR(fd, set)							\
	do {								\
		u_int __i;						\
		for (__i = 0; __i < ((fd_set *)(set))->fd_count; __i++) { \
			if (((fd_set *)(set))->fd_array[__i] == fd) {	\
				while (__i < ((fd_set *)(set))->fd_count - 1) { \
					((fd_set *)(set))->fd_array[__i] = \
					    ((fd_set *)(set))->fd_array[__i + 1]; \
					__i++;				\
				}					\
				((fd_set *)(set))->fd_count--;		\
				break;					\
			}						\
		}							\
	} while (0)
#define FD_ZERO(set)		(((fd_set *)(set))->fd_count = 0)
#define FD_ISSET(fd, set)	__WSAFDIsSet((SOCKET)(fd), (fd_set *)(set))
#define FD_SET(fd, set)							\
	do {								\
		u_int __i;						\
		for (__i = 0; __i < ((fd_set *)(set))->fd_count; __i++) { \
			if (((fd_set *)(set))->fd_array[__i] == (fd))	\
				break;					\
		}							\
		if (__i == ((fd_set *)(set))->fd_count &&		\
		    ((fd_set *)(set))->fd_count < FD_SETSIZE) {		\
			((fd_set *)(set))->fd_array[__i] = (fd);	\
			((fd_set *)(set))->fd_count++;			\
		}							\
	} while (0)

/* Families, types, protocols, levels (winsock2.h). */
#define AF_UNSPEC		0
#define AF_INET			2
#define AF_INET6		23
#define PF_UNSPEC		AF_UNSPEC
#define PF_INET			AF_INET
#define PF_INET6		AF_INET6

#define SOCK_STREAM		1
#define SOCK_DGRAM		2
#define SOCK_RAW		3
#define SOCK_RDM		4
#define SOCK_SEQPACKET		5

#define IPPROTO_IP		0
#define IPPROTO_ICMP		1
#define IPPROTO_IGMP		2
#define IPPROTO_TCP		6
#define IPPROTO_UDP		17
#define IPPROTO_IPV6		41
#define IPPROTO_RAW		255

#define FROM_PROTOCOL_INFO	(-1)
#define SOMAXCONN		0x7fffffff

#define SOL_SOCKET		0xffff
#define SO_DEBUG		0x0001
#define SO_ACCEPTCONN		0x0002
#define SO_REUSEADDR		0x0004
#define SO_KEEPALIVE		0x0008
#define SO_DONTROUTE		0x0010
#define SO_BROADCAST		0x0020
#define SO_USELOOPBACK		0x0040
#define SO_LINGER		0x0080
#define SO_OOBINLINE		0x0100
#define SO_DONTLINGER		(int)(~SO_LINGER)
#define SO_EXCLUSIVEADDRUSE	((int)(~SO_REUSEADDR))
#define SO_SNDBUF		0x1001
#define SO_RCVBUF		0x1002
#define SO_SNDLOWAT		0x1003
#define SO_RCVLOWAT		0x1004
#define SO_SNDTIMEO		0x1005
#define SO_RCVTIMEO		0x1006
#define SO_ERROR		0x1007
#define SO_TYPE			0x1008
#define SO_GROUP_ID		0x2001
#define SO_GROUP_PRIORITY	0x2002
#define SO_MAX_MSG_SIZE		0x2003
#define SO_PROTOCOL_INFOA	0x2004
#define SO_PROTOCOL_INFOW	0x2005
#define PVD_CONFIG		0x3001
#define SO_CONDITIONAL_ACCEPT	0x3002
/* mswsock.h */
#define SO_CONNDATA		0x7000
#define SO_CONNOPT		0x7001
#define SO_DISCDATA		0x7002
#define SO_DISCOPT		0x7003
#define SO_CONNDATALEN		0x7004
#define SO_CONNOPTLEN		0x7005
#define SO_DISCDATALEN		0x7006
#define SO_DISCOPTLEN		0x7007
#define SO_OPENTYPE		0x7008
#define SO_SYNCHRONOUS_ALERT	0x10
#define SO_SYNCHRONOUS_NONALERT	0x20
#define SO_MAXDG		0x7009
#define SO_MAXPATHDG		0x700A
#define SO_UPDATE_ACCEPT_CONTEXT 0x700B
#define SO_CONNECT_TIME		0x700C
#define SO_UPDATE_CONNECT_CONTEXT 0x7010

#define TCP_NODELAY		0x0001

/* IPPROTO_IP options: Winsock 2 values (ws2ipdef.h), not Winsock 1's. */
#define IP_OPTIONS		1
#define IP_HDRINCL		2
#define IP_TOS			3
#define IP_TTL			4
#define IP_MULTICAST_IF		9
#define IP_MULTICAST_TTL	10
#define IP_MULTICAST_LOOP	11
#define IP_ADD_MEMBERSHIP	12
#define IP_DROP_MEMBERSHIP	13
#define IP_DONTFRAGMENT		14
#define IP_ADD_SOURCE_MEMBERSHIP 15
#define IP_DROP_SOURCE_MEMBERSHIP 16
#define IP_BLOCK_SOURCE		17
#define IP_UNBLOCK_SOURCE	18
#define IP_PKTINFO		19
#define IP_RECVTTL		21
#define IP_UNICAST_IF		31
#define IP_RECVTOS		40

#define MSG_OOB			0x1
#define MSG_PEEK		0x2
#define MSG_DONTROUTE		0x4
#define MSG_WAITALL		0x8
#define MSG_INTERRUPT		0x10
#define MSG_PARTIAL		0x8000
#define MSG_TRUNC		0x0100
#define MSG_CTRUNC		0x0200
#define MSG_BCAST		0x0400
#define MSG_MCAST		0x0800

#define SD_RECEIVE		0x00
#define SD_SEND			0x01
#define SD_BOTH			0x02

#define CF_ACCEPT		0x0000
#define CF_REJECT		0x0001
#define CF_DEFER		0x0002

/*
 * ioctl codes.  Written as literals: the _IOR/_IOW helpers they come from
 * would collide with Linux's <sys/ioctl.h>.  A hex literal above INT_MAX
 * is unsigned, which gives each code the same type as mingw's expansion.
 */
#define IOC_UNIX		0x00000000
#define IOC_WS2			0x08000000
#define IOC_PROTOCOL		0x10000000
#define IOC_VENDOR		0x18000000
#define FIONREAD		0x4004667F
#define FIONBIO			0x8004667E
#define FIOASYNC		0x8004667D
#define SIOCATMARK		0x40047307
#define SIO_GET_INTERFACE_LIST	0x4004747F
#define SIO_GET_EXTENSION_FUNCTION_POINTER 0xC8000006
#define SIO_ROUTING_INTERFACE_QUERY 0xC8000014
#define SIO_ROUTING_INTERFACE_CHANGE 0x88000015
#define SIO_ADDRESS_LIST_QUERY	0x48000016
#define SIO_ADDRESS_LIST_CHANGE	0x28000017
#define SIO_QUERY_TARGET_PNP_HANDLE 0x48000018
#define SIO_BSP_HANDLE		0x4800001B
#define SIO_BSP_HANDLE_SELECT	0x4800001C
#define SIO_BSP_HANDLE_POLL	0x4800001D
#define SIO_BASE_HANDLE		0x48000022
#define SIO_KEEPALIVE_VALS	0x98000004
#define SIO_TCP_SET_ACK_FREQUENCY 0x98000017
#define SIO_UDP_CONNRESET	0x9800000C
#define SIO_EXT_SELECT		0xC800001E
#define SIO_EXT_POLL		0xC800001F
#define SIO_EXT_SENDMSG		0xC8000020

/* Network events (winsock2.h). */
#define FD_READ_BIT		0
#define FD_READ			(1 << FD_READ_BIT)
#define FD_WRITE_BIT		1
#define FD_WRITE		(1 << FD_WRITE_BIT)
#define FD_OOB_BIT		2
#define FD_OOB			(1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT		3
#define FD_ACCEPT		(1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT		4
#define FD_CONNECT		(1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT		5
#define FD_CLOSE		(1 << FD_CLOSE_BIT)
#define FD_QOS_BIT		6
#define FD_QOS			(1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT	7
#define FD_GROUP_QOS		(1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE	(1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS		10
#define FD_ALL_EVENTS		((1 << FD_MAX_EVENTS) - 1)

#define WSAMAKESELECTREPLY(event, error) MAKELONG(event, error)
#define WSAGETSELECTEVENT(lParam) LOWORD(lParam)
#define WSAGETSELECTERROR(lParam) HIWORD(lParam)

/* Error codes (psdk_inc/_wsa_errnos.h, winerror.h). */
#define WSABASEERR		10000
#define WSAEINTR		(WSABASEERR + 4)
#define WSAEBADF		(WSABASEERR + 9)
#define WSAEACCES		(WSABASEERR + 13)
#define WSAEFAULT		(WSABASEERR + 14)
#define WSAEINVAL		(WSABASEERR + 22)
#define WSAEMFILE		(WSABASEERR + 24)
#define WSAEWOULDBLOCK		(WSABASEERR + 35)
#define WSAEINPROGRESS		(WSABASEERR + 36)
#define WSAEALREADY		(WSABASEERR + 37)
#define WSAENOTSOCK		(WSABASEERR + 38)
#define WSAEDESTADDRREQ		(WSABASEERR + 39)
#define WSAEMSGSIZE		(WSABASEERR + 40)
#define WSAEPROTOTYPE		(WSABASEERR + 41)
#define WSAENOPROTOOPT		(WSABASEERR + 42)
#define WSAEPROTONOSUPPORT	(WSABASEERR + 43)
#define WSAESOCKTNOSUPPORT	(WSABASEERR + 44)
#define WSAEOPNOTSUPP		(WSABASEERR + 45)
#define WSAEPFNOSUPPORT		(WSABASEERR + 46)
#define WSAEAFNOSUPPORT		(WSABASEERR + 47)
#define WSAEADDRINUSE		(WSABASEERR + 48)
#define WSAEADDRNOTAVAIL	(WSABASEERR + 49)
#define WSAENETDOWN		(WSABASEERR + 50)
#define WSAENETUNREACH		(WSABASEERR + 51)
#define WSAENETRESET		(WSABASEERR + 52)
#define WSAECONNABORTED		(WSABASEERR + 53)
#define WSAECONNRESET		(WSABASEERR + 54)
#define WSAENOBUFS		(WSABASEERR + 55)
#define WSAEISCONN		(WSABASEERR + 56)
#define WSAENOTCONN		(WSABASEERR + 57)
#define WSAESHUTDOWN		(WSABASEERR + 58)
#define WSAETOOMANYREFS		(WSABASEERR + 59)
#define WSAETIMEDOUT		(WSABASEERR + 60)
#define WSAECONNREFUSED		(WSABASEERR + 61)
#define WSAELOOP		(WSABASEERR + 62)
#define WSAENAMETOOLONG		(WSABASEERR + 63)
#define WSAEHOSTDOWN		(WSABASEERR + 64)
#define WSAEHOSTUNREACH		(WSABASEERR + 65)
#define WSAENOTEMPTY		(WSABASEERR + 66)
#define WSAEPROCLIM		(WSABASEERR + 67)
#define WSAEUSERS		(WSABASEERR + 68)
#define WSAEDQUOT		(WSABASEERR + 69)
#define WSAESTALE		(WSABASEERR + 70)
#define WSAEREMOTE		(WSABASEERR + 71)
#define WSASYSNOTREADY		(WSABASEERR + 91)
#define WSAVERNOTSUPPORTED	(WSABASEERR + 92)
#define WSANOTINITIALISED	(WSABASEERR + 93)
#define WSAEDISCON		(WSABASEERR + 101)
#define WSAENOMORE		(WSABASEERR + 102)
#define WSAECANCELLED		(WSABASEERR + 103)
#define WSAEINVALIDPROCTABLE	(WSABASEERR + 104)
#define WSAEINVALIDPROVIDER	(WSABASEERR + 105)
#define WSAEPROVIDERFAILEDINIT	(WSABASEERR + 106)
#define WSASYSCALLFAILURE	(WSABASEERR + 107)
#define WSASERVICE_NOT_FOUND	(WSABASEERR + 108)
#define WSATYPE_NOT_FOUND	(WSABASEERR + 109)
#define WSA_E_NO_MORE		(WSABASEERR + 110)
#define WSA_E_CANCELLED		(WSABASEERR + 111)
#define WSAEREFUSED		(WSABASEERR + 112)
#define WSAHOST_NOT_FOUND	(WSABASEERR + 1001)
#define WSATRY_AGAIN		(WSABASEERR + 1002)
#define WSANO_RECOVERY		(WSABASEERR + 1003)
#define WSANO_DATA		(WSABASEERR + 1004)
#define WSANO_ADDRESS		WSANO_DATA
#define WSA_QOS_RECEIVERS	(WSABASEERR + 1005)
#define WSA_QOS_SENDERS		(WSABASEERR + 1006)
#define WSA_QOS_NO_SENDERS	(WSABASEERR + 1007)
#define WSA_QOS_NO_RECEIVERS	(WSABASEERR + 1008)
#define WSA_QOS_REQUEST_CONFIRMED (WSABASEERR + 1009)
#define WSA_QOS_ADMISSION_FAILURE (WSABASEERR + 1010)
#define WSA_QOS_POLICY_FAILURE	(WSABASEERR + 1011)
#define WSA_QOS_BAD_STYLE	(WSABASEERR + 1012)
#define WSA_QOS_BAD_OBJECT	(WSABASEERR + 1013)
#define WSA_QOS_TRAFFIC_CTRL_ERROR (WSABASEERR + 1014)
#define WSA_QOS_GENERIC_ERROR	(WSABASEERR + 1015)
#define WSA_QOS_ESERVICETYPE	(WSABASEERR + 1016)
#define WSA_QOS_EFLOWSPEC	(WSABASEERR + 1017)
#define WSA_QOS_EPROVSPECBUF	(WSABASEERR + 1018)
#define WSA_QOS_EFILTERSTYLE	(WSABASEERR + 1019)
#define WSA_QOS_EFILTERTYPE	(WSABASEERR + 1020)
#define WSA_QOS_EFILTERCOUNT	(WSABASEERR + 1021)
#define WSA_QOS_EOBJLENGTH	(WSABASEERR + 1022)
#define WSA_QOS_EFLOWCOUNT	(WSABASEERR + 1023)
#define WSA_QOS_EUNKNOWNPSOBJ	(WSABASEERR + 1024)
#define WSA_QOS_EPOLICYOBJ	(WSABASEERR + 1025)
#define WSA_QOS_EFLOWDESC	(WSABASEERR + 1026)
#define WSA_QOS_EPSFLOWSPEC	(WSABASEERR + 1027)
#define WSA_QOS_EPSFILTERSPEC	(WSABASEERR + 1028)
#define WSA_QOS_ESDMODEOBJ	(WSABASEERR + 1029)
#define WSA_QOS_ESHAPERATEOBJ	(WSABASEERR + 1030)
#define WSA_QOS_RESERVED_PETYPE	(WSABASEERR + 1031)

#define WSA_INVALID_HANDLE	6
#define WSA_NOT_ENOUGH_MEMORY	8
#define WSA_INVALID_PARAMETER	87
#define WSA_OPERATION_ABORTED	995
#define WSA_IO_INCOMPLETE	996
#define WSA_IO_PENDING		997
#define WSS_OPERATION_IN_PROGRESS 0x00000103

#define WSA_INVALID_EVENT	((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS	64
#define WSA_WAIT_FAILED		((DWORD)0xffffffff)
#define WSA_WAIT_EVENT_0	((DWORD)0x00000000)
#define WSA_WAIT_IO_COMPLETION	((DWORD)0x000000C0)
#define WSA_WAIT_TIMEOUT	258
#define WSA_INFINITE		0xffffffff

/* Socket creation flags and catalog description (winsock2.h). */
#define WSA_FLAG_OVERLAPPED	0x01
#define WSA_FLAG_MULTIPOINT_C_ROOT 0x02
#define WSA_FLAG_MULTIPOINT_C_LEAF 0x04
#define WSA_FLAG_MULTIPOINT_D_ROOT 0x08
#define WSA_FLAG_MULTIPOINT_D_LEAF 0x10
#define WSA_FLAG_ACCESS_SYSTEM_SECURITY 0x40
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#define WSA_FLAG_REGISTERED_IO	0x100

#define MAX_PROTOCOL_CHAIN	7
#define BASE_PROTOCOL		1
#define LAYERED_PROTOCOL	0
#define WSAPROTOCOL_LEN		255
#define WSPDESCRIPTION_LEN	255
#define WSADESCRIPTION_LEN	256
#define WSASYS_STATUS_LEN	128

#define PFL_MULTIPLE_PROTO_ENTRIES 0x00000001
#define PFL_RECOMMENDED_PROTO_ENTRY 0x00000002
#define PFL_HIDDEN		0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO 0x00000008
#define PFL_NETWORKDIRECT_PROVIDER 0x00000010

#define XP1_CONNECTIONLESS	0x00000001
#define XP1_GUARANTEED_DELIVERY	0x00000002
#define XP1_GUARANTEED_ORDER	0x00000004
#define XP1_MESSAGE_ORIENTED	0x00000008
#define XP1_PSEUDO_STREAM	0x00000010
#define XP1_GRACEFUL_CLOSE	0x00000020
#define XP1_EXPEDITED_DATA	0x00000040
#define XP1_CONNECT_DATA	0x00000080
#define XP1_DISCONNECT_DATA	0x00000100
#define XP1_SUPPORT_BROADCAST	0x00000200
#define XP1_SUPPORT_MULTIPOINT	0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE 0x00001000
#define XP1_QOS_SUPPORTED	0x00002000
#define XP1_INTERRUPT		0x00004000
#define XP1_UNI_SEND		0x00008000
#define XP1_UNI_RECV		0x00010000
#define XP1_IFS_HANDLES		0x00020000
#define XP1_PARTIAL_MESSAGE	0x00040000
#define XP1_SAN_SUPPORT_SDP	0x00080000

#define BIGENDIAN		0x0000
#define LITTLEENDIAN		0x0001
#define SECURITY_PROTOCOL_NONE	0x0000

/* Structures passed through the API and the SPI. */
typedef struct _WSABUF {
	u_long len;
	char *buf;
} WSABUF, *LPWSABUF;

typedef struct _OVERLAPPED {
	ULONG_PTR Internal;
	ULONG_PTR InternalHigh;
	union {
		struct {
			DWORD Offset;
			DWORD OffsetHigh;
		};
		PVOID Pointer;
	};
	HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef OVERLAPPED WSAOVERLAPPED;
typedef struct _OVERLAPPED *LPWSAOVERLAPPED;

typedef struct _flowspec {
	ULONG TokenRate;
	ULONG TokenBucketSize;
	ULONG PeakBandwidth;
	ULONG Latency;
	ULONG DelayVariation;
	SERVICETYPE ServiceType;
	ULONG MaxSduSize;
	ULONG MinimumPolicedSize;
} FLOWSPEC, *PFLOWSPEC, *LPFLOWSPEC;

typedef struct _QualityOfService {
	FLOWSPEC SendingFlowspec;
	FLOWSPEC ReceivingFlowspec;
	WSABUF ProviderSpecific;
} QOS, *LPQOS;

typedef struct _WSANETWORKEVENTS {
	LONG lNetworkEvents;
	int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

typedef struct _WSAPROTOCOLCHAIN {
	int ChainLen;
	DWORD ChainEntries[MAX_PROTOCOL_CHAIN];
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

typedef struct _WSAPROTOCOL_INFOA {
	DWORD dwServiceFlags1;
	DWORD dwServiceFlags2;
	DWORD dwServiceFlags3;
	DWORD dwServiceFlags4;
	DWORD dwProviderFlags;
	GUID ProviderId;
	DWORD dwCatalogEntryId;
	WSAPROTOCOLCHAIN ProtocolChain;
	int iVersion;
	int iAddressFamily;
	int iMaxSockAddr;
	int iMinSockAddr;
	int iSocketType;
	int iProtocol;
	int iProtocolMaxOffset;
	int iNetworkByteOrder;
	int iSecurityScheme;
	DWORD dwMessageSize;
	DWORD dwProviderReserved;
	CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

typedef struct _WSAPROTOCOL_INFOW {
	DWORD dwServiceFlags1;
	DWORD dwServiceFlags2;
	DWORD dwServiceFlags3;
	DWORD dwServiceFlags4;
	DWORD dwProviderFlags;
	GUID ProviderId;
	DWORD dwCatalogEntryId;
	WSAPROTOCOLCHAIN ProtocolChain;
	int iVersion;
	int iAddressFamily;
	int iMaxSockAddr;
	int iMinSockAddr;
	int iSocketType;
	int iProtocol;
	int iProtocolMaxOffset;
	int iNetworkByteOrder;
	int iSecurityScheme;
	DWORD dwMessageSize;
	DWORD dwProviderReserved;
	WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

/* _WIN64 layout: the two shorts and the pointer come first. */
typedef struct WSAData {
	WORD wVersion;
	WORD wHighVersion;
	unsigned short iMaxSockets;
	unsigned short iMaxUdpDg;
	char *lpVendorInfo;
	char szDescription[WSADESCRIPTION_LEN + 1];
	char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

typedef int (CALLBACK *LPCONDITIONPROC)(LPWSABUF lpCallerId,
	LPWSABUF lpCallerData, LPQOS lpSQOS, LPQOS lpGQOS,
	LPWSABUF lpCalleeId, LPWSABUF lpCalleeData, GROUP *g,
	DWORD_PTR dwCallbackData);
typedef void (CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError,
	DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags);

/* Messages with control data (winsock2.h, mswsock.h, ws2tcpip.h,
 * winnt.h). */
typedef struct _WSAMSG {
	LPSOCKADDR name;
	INT namelen;
	LPWSABUF lpBuffers;
	DWORD dwBufferCount;
	WSABUF Control;
	DWORD dwFlags;
} WSAMSG, *PWSAMSG, *LPWSAMSG;

typedef struct _WSACMSGHDR {
	SIZE_T cmsg_len;
	INT cmsg_level;
	INT cmsg_type;
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR;

#define MAX_NATURAL_ALIGNMENT	sizeof(ULONGLONG)
#define TYPE_ALIGNMENT(t)	((LONG)__alignof__(t))
#define WSA_CMSGHDR_ALIGN(length) (((length) + \
	TYPE_ALIGNMENT(WSACMSGHDR) - 1) & (~(TYPE_ALIGNMENT(WSACMSGHDR) - 1)))
#define WSA_CMSGDATA_ALIGN(length) (((length) + \
	MAX_NATURAL_ALIGNMENT - 1) & (~(MAX_NATURAL_ALIGNMENT - 1)))
#define WSA_CMSG_FIRSTHDR(msg) (((msg)->Control.len >= \
	sizeof(WSACMSGHDR)) ? (LPWSACMSGHDR)(msg)->Control.buf : \
	(LPWSACMSGHDR)NULL)
#define WSA_CMSG_NXTHDR(msg, cmsg) ((!(cmsg)) ? WSA_CMSG_FIRSTHDR(msg) : \
	((((u_char *)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) + \
	sizeof(WSACMSGHDR)) > (u_char *)((msg)->Control.buf) + \
	(msg)->Control.len) ? (LPWSACMSGHDR)NULL : \
	(LPWSACMSGHDR)((u_char *)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len))))
#define WSA_CMSG_DATA(cmsg) ((u_char *)(cmsg) + \
	WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + \
	WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + \
	length)

typedef struct in_pktinfo {
	IN_ADDR ipi_addr;
	UINT ipi_ifindex;
} IN_PKTINFO;

typedef struct {
	LPWSAMSG lpMsg;
	DWORD dwFlags;
	LPDWORD lpNumberOfBytesSent;
	LPWSAOVERLAPPED lpOverlapped;
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine;
} WSASENDMSG, *LPWSASENDMSG;

/* WSAPoll (winsock2.h) and its arguments as SIO_EXT_POLL carries them
 * (mswsock.h). */
#define POLLRDNORM		0x0100
#define POLLRDBAND		0x0200
#define POLLIN			(POLLRDNORM | POLLRDBAND)
#define POLLPRI			0x0400
#define POLLWRNORM		0x0010
#define POLLOUT			(POLLWRNORM)
#define POLLWRBAND		0x0020
#define POLLERR			0x0001
#define POLLHUP			0x0002
#define POLLNVAL		0x0004

typedef struct pollfd {
	SOCKET fd;
	SHORT events;
	SHORT revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;

typedef struct {
	int result;
	ULONG fds;
	INT timeout;
	WSAPOLLFD fdArray[];
} WSAPOLLDATA, *LPWSAPOLLDATA;

typedef INT (WSAAPI *LPFN_WSAPOLL)(LPWSAPOLLFD fdarray, ULONG nfds,
	INT timeout);

typedef INT (WSAAPI *LPFN_WSARECVMSG)(SOCKET s, LPWSAMSG lpMsg,
	LPDWORD lpdwNumberOfBytesRecvd, LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
typedef INT (WSAAPI *LPFN_WSASENDMSG)(SOCKET s, LPWSAMSG lpMsg,
	DWORD dwFlags, LPDWORD lpNumberOfBytesSent,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

/* Extension function GUIDs (mswsock.h). */
#define WSAID_TRANSMITFILE {0xb5367df0, 0xcbac, 0x11cf, \
	{0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_ACCEPTEX {0xb5367df1, 0xcbac, 0x11cf, \
	{0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_GETACCEPTEXSOCKADDRS {0xb5367df2, 0xcbac, 0x11cf, \
	{0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}}
#define WSAID_TRANSMITPACKETS {0xd9689da0, 0x1f90, 0x11d3, \
	{0x99, 0x71, 0x00, 0xc0, 0x4f, 0x68, 0xc8, 0x76}}
#define WSAID_CONNECTEX {0x25a207b9, 0xddf3, 0x4660, \
	{0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e}}
#define WSAID_DISCONNECTEX {0x7fda2e11, 0x8630, 0x436f, \
	{0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57}}
#define WSAID_WSARECVMSG {0xf689d7c8, 0x6f1f, 0x436b, \
	{0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22}}
#define WSAID_WSAPOLL {0x18C76F85, 0xDC66, 0x4964, \
	{0x97, 0x2E, 0x23, 0xC2, 0x72, 0x38, 0x31, 0x2B}}
#define WSAID_WSASENDMSG {0xa441e712, 0x754f, 0x43ca, \
	{0x84, 0xa7, 0x0d, 0xee, 0x44, 0xcf, 0x60, 0x6d}}

/* TCP extension functions (mswsock.h, psdk_inc/_xmitfile.h). */
#define TF_DISCONNECT		0x01
#define TF_REUSE_SOCKET		0x02
#define TF_WRITE_BEHIND		0x04
#define TF_USE_DEFAULT_WORKER	0x00
#define TF_USE_SYSTEM_THREAD	0x10
#define TF_USE_KERNEL_APC	0x20
#define TP_DISCONNECT		TF_DISCONNECT
#define TP_REUSE_SOCKET		TF_REUSE_SOCKET
#define TP_USE_DEFAULT_WORKER	TF_USE_DEFAULT_WORKER
#define TP_USE_SYSTEM_THREAD	TF_USE_SYSTEM_THREAD
#define TP_USE_KERNEL_APC	TF_USE_KERNEL_APC
#define TP_ELEMENT_MEMORY	1
#define TP_ELEMENT_FILE		2
#define TP_ELEMENT_EOP		4
#define DE_REUSE_SOCKET		TF_REUSE_SOCKET

typedef union _LARGE_INTEGER {
	struct {
		DWORD LowPart;
		LONG HighPart;
	};
	struct {
		DWORD LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef struct _TRANSMIT_FILE_BUFFERS {
	LPVOID Head;
	DWORD HeadLength;
	LPVOID Tail;
	DWORD TailLength;
} TRANSMIT_FILE_BUFFERS, *PTRANSMIT_FILE_BUFFERS, *LPTRANSMIT_FILE_BUFFERS;

typedef struct _TRANSMIT_PACKETS_ELEMENT {
	ULONG dwElFlags;
	ULONG cLength;
	union {
		struct {
			LARGE_INTEGER nFileOffset;
			HANDLE hFile;
		};
		PVOID pBuffer;
	};
} TRANSMIT_PACKETS_ELEMENT, *PTRANSMIT_PACKETS_ELEMENT,
	*LPTRANSMIT_PACKETS_ELEMENT;

typedef BOOL (WSAAPI *LPFN_TRANSMITFILE)(SOCKET hSocket, HANDLE hFile,
	DWORD nNumberOfBytesToWrite, DWORD nNumberOfBytesPerSend,
	LPOVERLAPPED lpOverlapped, LPTRANSMIT_FILE_BUFFERS lpTransmitBuffers,
	DWORD dwReserved);
typedef BOOL (WSAAPI *LPFN_ACCEPTEX)(SOCKET sListenSocket,
	SOCKET sAcceptSocket, PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
	DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
	LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped);
typedef void (WSAAPI *LPFN_GETACCEPTEXSOCKADDRS)(PVOID lpOutputBuffer,
	DWORD dwReceiveDataLength, DWORD dwLocalAddressLength,
	DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr,
	LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr,
	LPINT RemoteSockaddrLength);
typedef BOOL (WSAAPI *LPFN_TRANSMITPACKETS)(SOCKET hSocket,
	LPTRANSMIT_PACKETS_ELEMENT lpPacketArray, DWORD nElementCount,
	DWORD nSendSize, LPOVERLAPPED lpOverlapped, DWORD dwFlags);
typedef BOOL (WSAAPI *LPFN_CONNECTEX)(SOCKET s, const struct sockaddr *name,
	int namelen, PVOID lpSendBuffer, DWORD dwSendDataLength,
	LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped);
typedef BOOL (WSAAPI *LPFN_DISCONNECTEX)(SOCKET s, LPOVERLAPPED lpOverlapped,
	DWORD dwFlags, DWORD dwReserved);

/* The SPI (ws2spi.h). */
typedef struct WSPData {
	WORD wVersion;
	WORD wHighVersion;
	WCHAR szDescription[WSPDESCRIPTION_LEN + 1];
} WSPDATA, *LPWSPDATA;

typedef struct _WSATHREADID {
	HANDLE ThreadHandle;
	DWORD_PTR Reserved;
} WSATHREADID, *LPWSATHREADID;

typedef BOOL (CALLBACK *LPBLOCKINGCALLBACK)(DWORD_PTR dwContext);
typedef void (CALLBACK *LPWSAUSERAPC)(DWORD_PTR dwContext);

typedef SOCKET (WSPAPI *LPWSPACCEPT)(SOCKET s, struct sockaddr *addr,
	LPINT addrlen, LPCONDITIONPROC lpfnCondition,
	DWORD_PTR dwCallbackData, LPINT lpErrno);
typedef INT (WSPAPI *LPWSPADDRESSTOSTRING)(LPSOCKADDR lpsaAddress,
	DWORD dwAddressLength, LPWSAPROTOCOL_INFOW lpProtocolInfo,
	LPWSTR lpszAddressString, LPDWORD lpdwAddressStringLength,
	LPINT lpErrno);
typedef int (WSPAPI *LPWSPASYNCSELECT)(SOCKET s, HWND hWnd,
	unsigned int wMsg, LONG lEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWSPBIND)(SOCKET s, const struct sockaddr *name,
	int namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPCANCELBLOCKINGCALL)(LPINT lpErrno);
typedef int (WSPAPI *LPWSPCLEANUP)(LPINT lpErrno);
typedef int (WSPAPI *LPWSPCLOSESOCKET)(SOCKET s, LPINT lpErrno);
typedef int (WSPAPI *LPWSPCONNECT)(SOCKET s, const struct sockaddr *name,
	int namelen, LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
	LPQOS lpSQOS, LPQOS lpGQOS, LPINT lpErrno);
typedef int (WSPAPI *LPWSPDUPLICATESOCKET)(SOCKET s, DWORD dwProcessId,
	LPWSAPROTOCOL_INFOW lpProtocolInfo, LPINT lpErrno);
typedef int (WSPAPI *LPWSPENUMNETWORKEVENTS)(SOCKET s,
	WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents,
	LPINT lpErrno);
typedef int (WSPAPI *LPWSPEVENTSELECT)(SOCKET s, WSAEVENT hEventObject,
	LONG lNetworkEvents, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWSPGETOVERLAPPEDRESULT)(SOCKET s,
	LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait,
	LPDWORD lpdwFlags, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETPEERNAME)(SOCKET s, struct sockaddr *name,
	LPINT namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKNAME)(SOCKET s, struct sockaddr *name,
	LPINT namelen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKOPT)(SOCKET s, int level, int optname,
	char *optval, LPINT optlen, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWSPGETQOSBYNAME)(SOCKET s, LPWSABUF lpQOSName,
	LPQOS lpQOS, LPINT lpErrno);
typedef int (WSPAPI *LPWSPIOCTL)(SOCKET s, DWORD dwIoControlCode,
	LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer,
	DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
	LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWSPJOINLEAF)(SOCKET s, const struct sockaddr *name,
	int namelen, LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
	LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno);
typedef int (WSPAPI *LPWSPLISTEN)(SOCKET s, int backlog, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECV)(SOCKET s, LPWSABUF lpBuffers,
	DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
	LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECVDISCONNECT)(SOCKET s,
	LPWSABUF lpInboundDisconnectData, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECVFROM)(SOCKET s, LPWSABUF lpBuffers,
	DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
	struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
	LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSELECT)(int nfds, fd_set *readfds,
	fd_set *writefds, fd_set *exceptfds, const PTIMEVAL timeout,
	LPINT lpErrno);
typedef int (WSPAPI *LPWSPSEND)(SOCKET s, LPWSABUF lpBuffers,
	DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
	LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSENDDISCONNECT)(SOCKET s,
	LPWSABUF lpOutboundDisconnectData, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSENDTO)(SOCKET s, LPWSABUF lpBuffers,
	DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
	const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
	LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSETSOCKOPT)(SOCKET s, int level, int optname,
	const char *optval, int optlen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSHUTDOWN)(SOCKET s, int how, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWSPSOCKET)(int af, int type, int protocol,
	LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags,
	LPINT lpErrno);
typedef INT (WSPAPI *LPWSPSTRINGTOADDRESS)(LPWSTR AddressString,
	INT AddressFamily, LPWSAPROTOCOL_INFOW lpProtocolInfo,
	LPSOCKADDR lpAddress, LPINT lpAddressLength, LPINT lpErrno);

/* Member order is the ABI: exactly mingw's ws2spi.h. */
typedef struct _WSPPROC_TABLE {
	LPWSPACCEPT lpWSPAccept;
	LPWSPADDRESSTOSTRING lpWSPAddressToString;
	LPWSPASYNCSELECT lpWSPAsyncSelect;
	LPWSPBIND lpWSPBind;
	LPWSPCANCELBLOCKINGCALL lpWSPCancelBlockingCall;
	LPWSPCLEANUP lpWSPCleanup;
	LPWSPCLOSESOCKET lpWSPCloseSocket;
	LPWSPCONNECT lpWSPConnect;
	LPWSPDUPLICATESOCKET lpWSPDuplicateSocket;
	LPWSPENUMNETWORKEVENTS lpWSPEnumNetworkEvents;
	LPWSPEVENTSELECT lpWSPEventSelect;
	LPWSPGETOVERLAPPEDRESULT lpWSPGetOverlappedResult;
	LPWSPGETPEERNAME lpWSPGetPeerName;
	LPWSPGETSOCKNAME lpWSPGetSockName;
	LPWSPGETSOCKOPT lpWSPGetSockOpt;
	LPWSPGETQOSBYNAME lpWSPGetQOSByName;
	LPWSPIOCTL lpWSPIoctl;
	LPWSPJOINLEAF lpWSPJoinLeaf;
	LPWSPLISTEN lpWSPListen;
	LPWSPRECV lpWSPRecv;
	LPWSPRECVDISCONNECT lpWSPRecvDisconnect;
	LPWSPRECVFROM lpWSPRecvFrom;
	LPWSPSELECT lpWSPSelect;
	LPWSPSEND lpWSPSend;
	LPWSPSENDDISCONNECT lpWSPSendDisconnect;
	LPWSPSENDTO lpWSPSendTo;
	LPWSPSETSOCKOPT lpWSPSetSockOpt;
	LPWSPSHUTDOWN lpWSPShutdown;
	LPWSPSOCKET lpWSPSocket;
	LPWSPSTRINGTOADDRESS lpWSPStringToAddress;
} WSPPROC_TABLE, *LPWSPPROC_TABLE;

typedef BOOL (WSPAPI *LPWPUCLOSEEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWPUCLOSESOCKETHANDLE)(SOCKET s, LPINT lpErrno);
typedef WSAEVENT (WSPAPI *LPWPUCREATEEVENT)(LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWPUCREATESOCKETHANDLE)(DWORD dwCatalogEntryId,
	DWORD_PTR dwContext, LPINT lpErrno);
typedef int (WSPAPI *LPWPUFDISSET)(SOCKET s, fd_set *fdset);
typedef int (WSPAPI *LPWPUGETPROVIDERPATH)(LPGUID lpProviderId,
	WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
	LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWPUMODIFYIFSHANDLE)(DWORD dwCatalogEntryId,
	SOCKET ProposedHandle, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPUPOSTMESSAGE)(HWND hWnd, UINT Msg, WPARAM wParam,
	LPARAM lParam);
typedef int (WSPAPI *LPWPUQUERYBLOCKINGCALLBACK)(DWORD dwCatalogEntryId,
	LPBLOCKINGCALLBACK *lplpfnCallback, PDWORD_PTR lpdwContext,
	LPINT lpErrno);
typedef int (WSPAPI *LPWPUQUERYSOCKETHANDLECONTEXT)(SOCKET s,
	PDWORD_PTR lpContext, LPINT lpErrno);
typedef int (WSPAPI *LPWPUQUEUEAPC)(LPWSATHREADID lpThreadId,
	LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPURESETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPUSETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWPUOPENCURRENTTHREAD)(LPWSATHREADID lpThreadId,
	LPINT lpErrno);
typedef int (WSPAPI *LPWPUCLOSETHREAD)(LPWSATHREADID lpThreadId,
	LPINT lpErrno);
typedef int (WSPAPI *LPWPUCOMPLETEOVERLAPPEDREQUEST)(SOCKET s,
	LPWSAOVERLAPPED lpOverlapped, DWORD dwError, DWORD cbTransferred,
	LPINT lpErrno);

typedef struct _WSPUPCALLTABLE {
	LPWPUCLOSEEVENT lpWPUCloseEvent;
	LPWPUCLOSESOCKETHANDLE lpWPUCloseSocketHandle;
	LPWPUCREATEEVENT lpWPUCreateEvent;
	LPWPUCREATESOCKETHANDLE lpWPUCreateSocketHandle;
	LPWPUFDISSET lpWPUFDIsSet;
	LPWPUGETPROVIDERPATH lpWPUGetProviderPath;
	LPWPUMODIFYIFSHANDLE lpWPUModifyIFSHandle;
	LPWPUPOSTMESSAGE lpWPUPostMessage;
	LPWPUQUERYBLOCKINGCALLBACK lpWPUQueryBlockingCallback;
	LPWPUQUERYSOCKETHANDLECONTEXT lpWPUQuerySocketHandleContext;
	LPWPUQUEUEAPC lpWPUQueueApc;
	LPWPURESETEVENT lpWPUResetEvent;
	LPWPUSETEVENT lpWPUSetEvent;
	LPWPUOPENCURRENTTHREAD lpWPUOpenCurrentThread;
	LPWPUCLOSETHREAD lpWPUCloseThread;
} WSPUPCALLTABLE, *LPWSPUPCALLTABLE;

typedef int (WSPAPI *LPWSPSTARTUP)(WORD wVersionRequested,
	LPWSPDATA lpWSPData, LPWSAPROTOCOL_INFOW lpProtocolInfo,
	WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable);

/* The provider's only export. */
int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
	LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
	LPWSPPROC_TABLE lpProcTable);

/* Exported by Ws2_32 itself, not part of the upcall table. */
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s,
	LPWSAOVERLAPPED lpOverlapped, DWORD dwError, DWORD cbTransferred,
	LPINT lpErrno);
/* Exported by Ws2_32: how extension functions, which the application
 * calls directly, report their errors. */
void WSAAPI WSASetLastError(int iError);
/* Exported by Ws2_32: the catalog as installers and providers read it
 * (no WSAStartup needed), and a provider's DLL path by GUID. */
int WSPAPI WSCEnumProtocols(LPINT lpiProtocols,
	LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength,
	LPINT lpErrno);
int WSPAPI WSCGetProviderPath(LPGUID lpProviderId,
	WCHAR *lpszProviderDllPath, LPINT lpProviderDllPathLen,
	LPINT lpErrno);

#endif /* _WIN32 */

/*
 * Windows SDK names mingw-w64 lacks (so outside the checked branch):
 * mstcpip.h's SIO_UDP_NETRESET, _WSAIOW(IOC_VENDOR, 15).
 */
#ifndef SIO_UDP_NETRESET
#define SIO_UDP_NETRESET	0x9800000F
#endif

/*
 * Winsock timestamping (mstcpip.h, Windows 10 build 20348): mingw-w64
 * declares it only for NTDDI_VERSION >= NTDDI_WIN10_FE, so whoever lacks
 * it gets it here, with the SDK's values and layout. SIO_TIMESTAMPING is
 * _WSAIOW(IOC_VENDOR, 235), SIO_GET_TX_TIMESTAMP _WSAIOW(IOC_VENDOR, 234).
 */
#ifndef SIO_TIMESTAMPING
#define SIO_TIMESTAMPING	0x980000EB
#define SIO_GET_TX_TIMESTAMP	0x980000EA

typedef struct _TIMESTAMPING_CONFIG {
	ULONG Flags;
	USHORT TxTimestampsBuffered;
} TIMESTAMPING_CONFIG, *PTIMESTAMPING_CONFIG;

#define TIMESTAMPING_FLAG_RX	0x1
#define TIMESTAMPING_FLAG_TX	0x2
#define SO_TIMESTAMP		0x300A	/* SOL_SOCKET cmsg: UINT64 */
#define SO_TIMESTAMP_ID		0x300B	/* SOL_SOCKET cmsg: UINT32 */
#endif /* SIO_TIMESTAMPING */

/*
 * mstcpip.h's SIO_TCP_INFO and its structures exist in mingw-w64 only
 * for NTDDI_VERSION >= NTDDI_WIN10_RS2 (v1: RS5), above its default;
 * ws2ipdef.h's TCP_MAXRT not at all. Layouts as Microsoft documents
 * them (provider/wsp_tcpinfo.c asserts the offsets).
 */
#ifndef TCP_MAXRT
#define TCP_MAXRT		5
#endif
#if !defined(_WIN32) || NTDDI_VERSION < NTDDI_WIN10_RS2
#define SIO_TCP_INFO		0xD8000027	/* _WSAIORW(IOC_VENDOR, 39) */

typedef enum _TCPSTATE {
	TCPSTATE_CLOSED,
	TCPSTATE_LISTEN,
	TCPSTATE_SYN_SENT,
	TCPSTATE_SYN_RCVD,
	TCPSTATE_ESTABLISHED,
	TCPSTATE_FIN_WAIT_1,
	TCPSTATE_FIN_WAIT_2,
	TCPSTATE_CLOSE_WAIT,
	TCPSTATE_CLOSING,
	TCPSTATE_LAST_ACK,
	TCPSTATE_TIME_WAIT,
	TCPSTATE_MAX
} TCPSTATE;

typedef struct _TCP_INFO_v0 {
	TCPSTATE State;
	ULONG Mss;
	ULONGLONG ConnectionTimeMs;
	UCHAR TimestampsEnabled;	/* BOOLEAN */
	ULONG RttUs;
	ULONG MinRttUs;
	ULONG BytesInFlight;
	ULONG Cwnd;
	ULONG SndWnd;
	ULONG RcvWnd;
	ULONG RcvBuf;
	ULONGLONG BytesOut;
	ULONGLONG BytesIn;
	ULONG BytesReordered;
	ULONG BytesRetrans;
	ULONG FastRetrans;
	ULONG DupAcksIn;
	ULONG TimeoutEpisodes;
	UCHAR SynRetrans;
} TCP_INFO_v0, *PTCP_INFO_v0;
#endif
#if !defined(_WIN32) || NTDDI_VERSION < NTDDI_WIN10_RS5
typedef struct _TCP_INFO_v1 {
	TCPSTATE State;
	ULONG Mss;
	ULONGLONG ConnectionTimeMs;
	UCHAR TimestampsEnabled;	/* BOOLEAN */
	ULONG RttUs;
	ULONG MinRttUs;
	ULONG BytesInFlight;
	ULONG Cwnd;
	ULONG SndWnd;
	ULONG RcvWnd;
	ULONG RcvBuf;
	ULONGLONG BytesOut;
	ULONGLONG BytesIn;
	ULONG BytesReordered;
	ULONG BytesRetrans;
	ULONG FastRetrans;
	ULONG DupAcksIn;
	ULONG TimeoutEpisodes;
	UCHAR SynRetrans;
	ULONG SndLimTransRwin;
	ULONG SndLimTimeRwin;
	ULONGLONG SndLimBytesRwin;
	ULONG SndLimTransCwnd;
	ULONG SndLimTimeCwnd;
	ULONGLONG SndLimBytesCwnd;
	ULONG SndLimTransSnd;
	ULONG SndLimTimeSnd;
	ULONGLONG SndLimBytesSnd;
} TCP_INFO_v1, *PTCP_INFO_v1;
#endif

#endif /* _WSP_ABI_H_ */
