/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Qt's socket notifiers on Windows, replayed.  Read from qt/qtbase:
 * - src/corelib/kernel/qeventdispatcher_win.cpp: doWsaAsyncSelect asks
 *   WSAAsyncSelect(fd, internalHwnd, WM_QT_SOCKETNOTIFIER (WM_USER),
 *   FD_READ | FD_CLOSE | FD_ACCEPT for a read notifier, | FD_WRITE |
 *   FD_CONNECT for a write one); qt_internal_proc, on a
 *   WM_QT_SOCKETNOTIFIER message, maps WSAGETSELECTEVENT to the notifier
 *   (FD_READ/FD_ACCEPT read, FD_WRITE/FD_CONNECT write, FD_CLOSE close),
 *   selects the socket again, ignores a second message of a type already
 *   seen (the mask), activates the notifier, and on
 *   WM_QT_ACTIVATENOTIFIERS selects again with the mask cleared;
 * - src/network/socket/qnativesocketengine_win.cpp: sockets non-blocking
 *   (ioctlsocket FIONBIO), bytesAvailable by FIONREAD, reads by WSARecv
 *   until WSAEWOULDBLOCK, accept on FD_ACCEPT.
 * The message queue is the stand-in's (WPUPostMessage,
 * ws2_stub_get_message).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "fw.h"

#define QT_HWND		((HWND)(uintptr_t)0x5157)
#define WM_QT_SOCKETNOTIFIER	0x0400	/* WM_USER */
#define QT_READ		(FD_READ | FD_CLOSE | FD_ACCEPT)

/* The next message for s within ms: its event, or 0. */
static LONG
next_event(SOCKET s, DWORD ms, int *err)
{
	struct ws2_stub_msg m;

	while (ws2_stub_get_message(&m, ms) == 1) {
		CU_ASSERT_PTR_EQUAL(m.hwnd, QT_HWND);
		CU_ASSERT_EQUAL(m.msg, WM_QT_SOCKETNOTIFIER);
		if (m.wparam != (WPARAM)s)
			continue;
		*err = WSAGETSELECTERROR(m.lparam);
		return WSAGETSELECTEVENT(m.lparam);
	}
	return 0;
}

/* readNotification: FIONREAD, then WSARecv until WSAEWOULDBLOCK. */
static int
qt_read_all(SOCKET s)
{
	char buf[4096];
	WSABUF b = { sizeof(buf), buf };
	DWORD n, flags;
	u_long avail = 0;
	int total = 0;

	PT_OK(ioctlsocket(s, FIONREAD, &avail));
	for (;;) {
		flags = 0;
		if (WSARecv(s, &b, 1, &n, &flags, NULL, NULL) == SOCKET_ERROR) {
			CU_ASSERT_EQUAL(WSAGetLastError(), WSAEWOULDBLOCK);
			break;
		}
		if (n == 0)
			break;
		total += (int)n;
	}
	CU_ASSERT((u_long)total >= avail);
	return total;
}

static void
test_qt_socket_notifier_replay(void)
{
	struct sockaddr_in ln;
	int err = -1;
	SOCKET l = pt_listener(&ln), c, a;
	LONG seen = 0, ev;
	u_long on = 1;

	ws2_stub_flush_messages();
	/* QTcpServer: a read notifier on the listener. */
	PT_OK(ioctlsocket(l, FIONBIO, &on));
	PT_OK(WSAAsyncSelect(l, QT_HWND, WM_QT_SOCKETNOTIFIER, QT_READ));
	c = socket(AF_INET, SOCK_STREAM, 0);
	PT_OK(connect(c, PT_SA(ln), PT_SIN_LEN));
	CU_ASSERT_EQUAL(next_event(l, PT_WAIT_MS, &err), FD_ACCEPT);
	CU_ASSERT_EQUAL(err, 0);
	a = accept(l, NULL, NULL);
	CU_ASSERT_FATAL(a != INVALID_SOCKET);
	/* QTcpSocket on it: non-blocking, its own read notifier. */
	PT_OK(ioctlsocket(a, FIONBIO, &on));
	PT_OK(WSAAsyncSelect(a, QT_HWND, WM_QT_SOCKETNOTIFIER, QT_READ));
	CU_ASSERT_EQUAL(send(c, "qt", 2, 0), 2);
	CU_ASSERT_EQUAL(next_event(a, PT_WAIT_MS, &err), FD_READ);
	seen |= FD_READ;
	/* qt_internal_proc: select again before activating; data still
	 * queued, so FD_READ comes again, and the mask drops it. */
	PT_OK(WSAAsyncSelect(a, QT_HWND, WM_QT_SOCKETNOTIFIER, QT_READ));
	CU_ASSERT_EQUAL(qt_read_all(a), 2);
	ev = next_event(a, FW_QUIET_MS, &err);
	CU_ASSERT(ev == 0 || (ev & seen) == ev);
	/* WM_QT_ACTIVATENOTIFIERS: select again, mask cleared; nothing
	 * queued, nothing comes. */
	PT_OK(WSAAsyncSelect(a, QT_HWND, WM_QT_SOCKETNOTIFIER, QT_READ));
	CU_ASSERT_EQUAL(next_event(a, FW_QUIET_MS, &err), 0);
	/* More data, then the peer's close: FD_READ, then FD_CLOSE with
	 * no error (SockClose), the data still readable. */
	CU_ASSERT_EQUAL(send(c, "bye", 3, 0), 3);
	CU_ASSERT_EQUAL(next_event(a, PT_WAIT_MS, &err), FD_READ);
	PT_OK(shutdown(c, SD_SEND));
	for (ev = FD_READ; ev == FD_READ;)
		ev = next_event(a, PT_WAIT_MS, &err);
	CU_ASSERT_EQUAL(ev, FD_CLOSE);
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(qt_read_all(a), 3);
	/* Notifiers off (WSAAsyncSelect 0), then close. */
	PT_OK(WSAAsyncSelect(a, QT_HWND, 0, 0));
	PT_OK(WSAAsyncSelect(l, QT_HWND, 0, 0));
	pt_close(a);
	pt_close(c);
	pt_close(l);
	ws2_stub_flush_messages();
}

static const struct wt_test qt_tests[] = {
	WT_TEST(test_qt_socket_notifier_replay),
	WT_TEST_END
};

const struct wt_suite test_fw_qt_suite = {
	.name = "fw_qt",
	.clean = pt_suite_clean,
	.tests = qt_tests,
};
