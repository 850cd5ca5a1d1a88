/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ws2.h: the Winsock API for tests and perf apps.
 *
 * On Windows it is the real Ws2_32.  On Linux it is libws2stub, a Ws2_32
 * stand-in that loads the provider with dlopen and drives it through
 * WSPStartup, exactly as Ws2_32 does on Windows (see ws2_priv.h).
 *
 * The process also contains DPDK, which calls libc's socket(), bind(),
 * select(), ...  The stand-in therefore never defines symbols with those
 * names: it exports ws2_socket, ws2_bind, ... and the Winsock spellings
 * are macros.  Include this header after system headers.
 *
 * Threading: every function is thread-safe, like Ws2_32's.
 */

#ifndef _WS2_H_
#define _WS2_H_

#ifdef _WIN32

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#else /* !_WIN32 */

#include "wsp_abi.h"

#define socket		ws2_socket
#define bind		ws2_bind
#define connect		ws2_connect
#define listen		ws2_listen
#define accept		ws2_accept
#define send		ws2_send
#define sendto		ws2_sendto
#define recv		ws2_recv
#define recvfrom	ws2_recvfrom
#define closesocket	ws2_closesocket
#define shutdown	ws2_shutdown
#define setsockopt	ws2_setsockopt
#define getsockopt	ws2_getsockopt
#define ioctlsocket	ws2_ioctlsocket
#define select		ws2_select
#define getsockname	ws2_getsockname
#define getpeername	ws2_getpeername
#define inet_pton	ws2_inet_pton
#define inet_ntop	ws2_inet_ntop
#define inet_addr	ws2_inet_addr

/* Startup and errors. */
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int WSAAPI WSACleanup(void);
int WSAAPI WSAGetLastError(void);
void WSAAPI WSASetLastError(int iError);
int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols,
	LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength);

/* Sockets. */
SOCKET WSAAPI ws2_socket(int af, int type, int protocol);
SOCKET WSAAPI WSASocketW(int af, int type, int protocol,
	LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags);
SOCKET WSAAPI WSASocketA(int af, int type, int protocol,
	LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g, DWORD dwFlags);
int WSAAPI ws2_bind(SOCKET s, const struct sockaddr *name, int namelen);
int WSAAPI ws2_connect(SOCKET s, const struct sockaddr *name, int namelen);
int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen,
	LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
	LPQOS lpGQOS);
int WSAAPI ws2_listen(SOCKET s, int backlog);
SOCKET WSAAPI ws2_accept(SOCKET s, struct sockaddr *addr, int *addrlen);
SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
	LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData);
int WSAAPI ws2_closesocket(SOCKET s);
int WSAAPI ws2_shutdown(SOCKET s, int how);
int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId,
	LPWSAPROTOCOL_INFOW lpProtocolInfo);

/* Data. */
int WSAAPI ws2_send(SOCKET s, const char *buf, int len, int flags);
int WSAAPI ws2_sendto(SOCKET s, const char *buf, int len, int flags,
	const struct sockaddr *to, int tolen);
int WSAAPI ws2_recv(SOCKET s, char *buf, int len, int flags);
int WSAAPI ws2_recvfrom(SOCKET s, char *buf, int len, int flags,
	struct sockaddr *from, int *fromlen);
int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
	LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
	LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
	const struct sockaddr *lpTo, int iTolen,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
	LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
	LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
	struct sockaddr *lpFrom, LPINT lpFromlen,
	LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
	LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags);

/* Options, control, names. */
int WSAAPI ws2_setsockopt(SOCKET s, int level, int optname,
	const char *optval, int optlen);
int WSAAPI ws2_getsockopt(SOCKET s, int level, int optname, char *optval,
	int *optlen);
int WSAAPI ws2_ioctlsocket(SOCKET s, LONG cmd, u_long *argp);
int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
	DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
	LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
	LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSAAPI ws2_getsockname(SOCKET s, struct sockaddr *name, int *namelen);
int WSAAPI ws2_getpeername(SOCKET s, struct sockaddr *name, int *namelen);

/* Readiness and notification. */
int WSAAPI ws2_select(int nfds, fd_set *readfds, fd_set *writefds,
	fd_set *exceptfds, const PTIMEVAL timeout);
int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject,
	LONG lNetworkEvents);
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
	LPWSANETWORKEVENTS lpNetworkEvents);
int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent);
int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout);

/* Events, waits, APCs (kernel32 stand-ins included: SleepEx). */
WSAEVENT WSAAPI WSACreateEvent(void);
BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents,
	const WSAEVENT *lphEvents, BOOL fWaitAll, DWORD dwTimeout,
	BOOL fAlertable);
DWORD WSAAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/*
 * I/O completion ports (kernel32 stand-ins, ws2_iocp.c): for socket
 * handles only; the port's concurrency value and alertable waits are not
 * emulated.  GetLastError is WSAGetLastError, as on Windows.
 */
#define WINAPI
#define INFINITE			0xffffffff
#define INVALID_HANDLE_VALUE		((HANDLE)(LONG_PTR)-1)
#define WAIT_TIMEOUT			258
#define ERROR_INVALID_HANDLE		6
#define ERROR_NOT_ENOUGH_MEMORY		8
#define ERROR_NETNAME_DELETED		64
#define ERROR_INVALID_PARAMETER		87
#define ERROR_MORE_DATA			234
#define ERROR_ABANDONED_WAIT_0		735
#define ERROR_OPERATION_ABORTED		995
#define ERROR_IO_PENDING		997
#define ERROR_PORT_UNREACHABLE		1234
#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS	0x1
#define FILE_SKIP_SET_EVENT_ON_HANDLE		0x2

typedef ULONG_PTR *PULONG_PTR;

typedef struct _OVERLAPPED_ENTRY {
	ULONG_PTR lpCompletionKey;
	LPOVERLAPPED lpOverlapped;
	ULONG_PTR Internal;	/* here the Win32 error, not an NTSTATUS */
	DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle,
	HANDLE ExistingCompletionPort, ULONG_PTR CompletionKey,
	DWORD NumberOfConcurrentThreads);
BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort,
	LPDWORD lpNumberOfBytesTransferred, PULONG_PTR lpCompletionKey,
	LPOVERLAPPED *lpOverlapped, DWORD dwMilliseconds);
BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort,
	LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount,
	PULONG ulNumEntriesRemoved, DWORD dwMilliseconds, BOOL fAlertable);
BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort,
	DWORD dwNumberOfBytesTransferred, ULONG_PTR dwCompletionKey,
	LPOVERLAPPED lpOverlapped);
BOOL WINAPI SetFileCompletionNotificationModes(HANDLE FileHandle,
	UCHAR Flags);
BOOL WINAPI CloseHandle(HANDLE hObject);
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

/* Address conversion: local AF_INET implementations (no provider call). */
INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress,
	DWORD dwAddressLength, LPWSAPROTOCOL_INFOA lpProtocolInfo,
	LPSTR lpszAddressString, LPDWORD lpdwAddressStringLength);
INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress,
	DWORD dwAddressLength, LPWSAPROTOCOL_INFOW lpProtocolInfo,
	LPWSTR lpszAddressString, LPDWORD lpdwAddressStringLength);
INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
	LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
	LPINT lpAddressLength);
INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
	LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
	LPINT lpAddressLength);
int WSAAPI ws2_inet_pton(int af, const char *src, void *dst);
const char *WSAAPI ws2_inet_ntop(int af, const void *src, char *dst,
	size_t size);
u_long WSAAPI ws2_inet_addr(const char *cp);

/*
 * Test-only extensions (not in Ws2_32).
 */

/** The provider's proc table from the latest WSAStartup, or NULL. */
const WSPPROC_TABLE *ws2_stub_proc_table(void);

/** The upcall table handed to every WSPStartup. */
const WSPUPCALLTABLE *ws2_stub_upcall_table(void);

/**
 * Call the provider's WSPStartup directly, with our upcall table and the
 * caller's (possibly odd: NULL, version 1.1, ...) arguments.  Loads the
 * provider if needed.  Does not touch WSAStartup's reference count: every
 * successful call needs its own lpWSPCleanup.
 *
 * @return
 *   WSPStartup's return value, or WSAEPROVIDERFAILEDINIT if the provider
 *   cannot be loaded.
 */
int ws2_stub_wsp_startup(WORD wVersionRequested, LPWSPDATA lpWSPData,
	LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSPPROC_TABLE lpProcTable);

/** Catalog entry i (ids 1001, 1002, ...), or NULL past the end. */
const WSAPROTOCOL_INFOW *ws2_stub_catalog_entry(unsigned i);

/** Path of the provider loaded, or to be loaded (WSPDK_PROVIDER). */
const char *ws2_stub_provider_path(void);

/** Path of the OS base provider's DLL (WSPDK_OS_PROVIDER overrides). */
const char *ws2_stub_os_provider_path(void);

/** WSAStartup's reference count. */
int ws2_stub_startup_count(void);

/** Socket handles alive in the handle table (WPUCreateSocketHandle). */
unsigned ws2_stub_socket_count(void);

/** Make the next n WPUCreateSocketHandle calls fail WSAENOBUFS. */
void ws2_stub_fail_socket_handles(unsigned int n);

/** Events alive (WSACreateEvent + WPUCreateEvent). */
unsigned ws2_stub_event_count(void);

/** Thread ids opened by WPUOpenCurrentThread and not yet closed by
 * WPUCloseThread (each a thread handle on Windows). */
unsigned ws2_stub_thread_ids_open(void);

/** Completion ports alive (CreateIoCompletionPort, not yet closed). */
unsigned ws2_stub_port_count(void);

/** A message posted through WPUPostMessage. */
struct ws2_stub_msg {
	HWND hwnd;
	UINT msg;
	WPARAM wparam;
	LPARAM lparam;
};

/**
 * Dequeue the oldest posted message, waiting up to timeout_ms.
 *
 * @return 1 if *m was filled, 0 on timeout.
 */
int ws2_stub_get_message(struct ws2_stub_msg *m, DWORD timeout_ms);

/** Drop every posted message. */
void ws2_stub_flush_messages(void);

/*
 * kernel32's performance counter (ws2_clock.c): the stand-in's clock is
 * CLOCK_MONOTONIC_RAW in nanoseconds (frequency 1e9), the clock the
 * provider gives its packet timestamps in on Linux (SO_TIMESTAMP,
 * SIO_GET_TX_TIMESTAMP), as Windows gives them in QPC units.
 * LARGE_INTEGER is wsp_abi.h's.
 */
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

#endif /* _WIN32 */

#endif /* _WS2_H_ */
