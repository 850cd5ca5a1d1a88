/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * win_loader.exe: what Ws2_32 does with a provider DLL, and no more
 * (winsock-spi.md 1.1: LoadLibrary, GetProcAddress("WSPStartup"), the
 * call with an upcall table of its own; then WSPCleanup and FreeLibrary).
 * Built with mingw-w64 and run under Wine by run_wine_loader.py; it links
 * nothing of wspdk, so it sees the DLL exactly as a Windows process would.
 *
 *   win_loader.exe DLL [STARTUPS [MODE]]
 *
 * Calls WSPStartup STARTUPS times (default 2; 0: load and unload only),
 * each followed by WSPCleanup when it succeeded, then FreeLibrary. MODE:
 * ok (default: SPI 2.2, every argument valid), v11 (asks for SPI 1.1),
 * nulldata (lpWSPData NULL). Every step prints one line on stderr, where
 * the provider logs too, so the two stay in order:
 *   loader: load ok
 *   loader: startup 1 = 10091
 *   loader: cleanup 1 = 0 (error 0)
 *   loader: freelibrary = 1
 *   loader: still loaded = 0
 *   loader: survived
 * Exit status 0 once every step ran (whatever WSPStartup returned);
 * 3 if the DLL does not load, 4 without a WSPStartup export. A process
 * the provider ended has neither the last line nor status 0.
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {B2B2906C-5661-45A3-93A7-2DCA2246413A}: our catalog entry (README). */
static const GUID wspdk_guid = { 0xb2b2906c, 0x5661, 0x45a3,
	{ 0x93, 0xa7, 0x2d, 0xca, 0x22, 0x46, 0x41, 0x3a } };

static void
say(const char *fmt, ...)
{
	va_list ap;

	fputs("loader: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/*
 * The upcalls: WSPStartup has no reason to call any of them. Every slot
 * holds one stub that says so and ends the process with status 9, which
 * fails the test; it is never called through the type it was cast to
 * (on x64 the caller owns the arguments, so even that would return).
 */
static void WSPAPI
upcall_called(void)
{
	say("upcall called");
	ExitProcess(9);
}

#define UPCALL(type)	((type)(void *)upcall_called)

static const WSPUPCALLTABLE upcalls = {
	.lpWPUCloseEvent = UPCALL(LPWPUCLOSEEVENT),
	.lpWPUCloseSocketHandle = UPCALL(LPWPUCLOSESOCKETHANDLE),
	.lpWPUCreateEvent = UPCALL(LPWPUCREATEEVENT),
	.lpWPUCreateSocketHandle = UPCALL(LPWPUCREATESOCKETHANDLE),
	.lpWPUFDIsSet = UPCALL(LPWPUFDISSET),
	.lpWPUGetProviderPath = UPCALL(LPWPUGETPROVIDERPATH),
	.lpWPUModifyIFSHandle = UPCALL(LPWPUMODIFYIFSHANDLE),
	.lpWPUPostMessage = UPCALL(LPWPUPOSTMESSAGE),
	.lpWPUQueryBlockingCallback = UPCALL(LPWPUQUERYBLOCKINGCALLBACK),
	.lpWPUQuerySocketHandleContext =
		UPCALL(LPWPUQUERYSOCKETHANDLECONTEXT),
	.lpWPUQueueApc = UPCALL(LPWPUQUEUEAPC),
	.lpWPUResetEvent = UPCALL(LPWPURESETEVENT),
	.lpWPUSetEvent = UPCALL(LPWPUSETEVENT),
	.lpWPUOpenCurrentThread = UPCALL(LPWPUOPENCURRENTTHREAD),
	.lpWPUCloseThread = UPCALL(LPWPUCLOSETHREAD),
};

/* The catalog entry Ws2_32 would pass: our AF_INET UDP one. */
static void
protocol_info(WSAPROTOCOL_INFOW *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->dwServiceFlags1 = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED |
		XP1_SUPPORT_BROADCAST;
	pi->ProviderId = wspdk_guid;
	pi->dwCatalogEntryId = 1001;
	pi->ProtocolChain.ChainLen = BASE_PROTOCOL;
	pi->iVersion = 2;
	pi->iAddressFamily = AF_INET;
	pi->iMaxSockAddr = sizeof(struct sockaddr_in);
	pi->iMinSockAddr = sizeof(struct sockaddr_in);
	pi->iSocketType = SOCK_DGRAM;
	pi->iProtocol = IPPROTO_UDP;
	pi->dwMessageSize = 65507;
	wcscpy(pi->szProtocol, L"wspdk UDP/IP");
}

static void
one_startup(LPWSPSTARTUP startup, int i, const char *mode)
{
	WORD version = strcmp(mode, "v11") == 0 ? MAKEWORD(1, 1) :
		MAKEWORD(2, 2);
	WSAPROTOCOL_INFOW pi;
	WSPPROC_TABLE procs;
	WSPDATA data;
	int ret, err = 0;

	protocol_info(&pi);
	memset(&procs, 0, sizeof(procs));
	memset(&data, 0, sizeof(data));
	ret = startup(version, strcmp(mode, "nulldata") == 0 ? NULL : &data,
		&pi, upcalls, &procs);
	say("startup %d = %d", i, ret);
	if (ret != 0)
		return;
	say("version %u.%u", LOBYTE(data.wVersion), HIBYTE(data.wVersion));
	if (procs.lpWSPCleanup == NULL) {
		say("cleanup %d missing from the proc table", i);
		return;
	}
	ret = procs.lpWSPCleanup(&err);
	say("cleanup %d = %d (error %d)", i, ret, err);
}

int
main(int argc, char **argv)
{
	LPWSPSTARTUP startup;
	HMODULE dll;
	int n = argc > 2 ? atoi(argv[2]) : 2;
	const char *mode = argc > 3 ? argv[3] : "ok";

	if (argc < 2) {
		fprintf(stderr, "usage: win_loader.exe DLL [STARTUPS "
			"[ok|v11|nulldata]]\n");
		return 2;
	}
	dll = LoadLibraryA(argv[1]);
	if (dll == NULL) {
		say("load failed (error %lu)", GetLastError());
		return 3;
	}
	say("load ok");
	startup = (LPWSPSTARTUP)(void *)GetProcAddress(dll, "WSPStartup");
	if (startup == NULL) {
		say("no WSPStartup export (error %lu)", GetLastError());
		return 4;
	}
	for (int i = 1; i <= n; i++)
		one_startup(startup, i, mode);
	say("freelibrary = %d", FreeLibrary(dll));
	/* Gone, unless the provider pinned itself (it does once EAL ran:
	 * EAL's threads outlive even a failed start). */
	say("still loaded = %d", GetModuleHandleA("wspdk.dll") != NULL);
	say("survived");
	return 0;
}
