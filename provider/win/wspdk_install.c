/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wspdk-install.exe: adds wspdk to the Winsock catalog, removes it, shows
 * where it stands (winsock-spi.md 5).
 *
 *   wspdk-install [--dll PATH]   install: WSCInstallProvider64_32 with the
 *                                entries of wsp_catalog_entries(), then
 *                                WSCWriteProviderOrder so Ws2_32 picks
 *                                them before Microsoft's TCP/IP provider
 *   wspdk-install --uninstall    WSCDeinstallProvider (+32): the other
 *                                entries keep their order, i.e. the order
 *                                they had before the install
 *   wspdk-install --list         WSCEnumProtocols, our entries marked
 *   wspdk-install --policy-add PATH|NAME, --policy-remove PATH|NAME,
 *     --policy-default allow|deny, --policy-list: the machine policy,
 *     HKLM\SOFTWARE\wspdk\Policy (wsp_install_policy.c)
 *
 * Install first writes a "default = deny" policy unless one exists (so
 * no program is accelerated before the administrator names it), then the
 * catalog entries; uninstall removes the entries, then the policy if
 * install created it. Install, uninstall and the policy's changes need
 * an elevated (administrator) process; --list and --policy-list do not.
 * Catalog and policy changes reach programs started after them only.
 *
 * The 64_32 call also registers the entries in the 32-bit (WOW64)
 * catalog, where they are left last: DPDK has no 32-bit Windows build, so
 * there is no 32-bit wspdk.dll and 32-bit programs must keep Microsoft's
 * provider.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "wsp_abi.h"
#include <sporder.h>

#include "wsp_catalog.h"
#include "wsp_policy.h"
#include "win/wsp_install_policy.h"
#include "win/wsp_install_reg.h"
#include "win/wsp_order.h"

#define EXIT_USAGE	2
#define EXIT_NOT_ADMIN	5	/* ERROR_ACCESS_DENIED */

enum catalog_kind {
	CATALOG_NATIVE,		/* 64-bit: the one wspdk.dll serves */
	CATALOG_WOW64,		/* 32-bit programs */
};

struct catalog {
	WSAPROTOCOL_INFOW *e;
	unsigned int n;
};

/* Wide to the console's narrow text; names are ASCII in practice. */
static const char *
narrow(const WCHAR *w, char *buf, int size)
{
	if (WideCharToMultiByte(CP_ACP, 0, w, -1, buf, size, NULL, NULL) == 0)
		snprintf(buf, (size_t)size, "?");
	return buf;
}

static void
print_wsa_error(const char *what, int err)
{
	char msg[256] = "";

	FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
		FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_MAX_WIDTH_MASK,
		NULL, (DWORD)err, 0, msg, sizeof(msg), NULL);
	fprintf(stderr, "wspdk-install: %s failed: error %d %s\n", what, err,
		msg);
	if (err == WSANO_RECOVERY)
		fprintf(stderr, "wspdk-install: the catalog refused the "
			"change: the process is not elevated, the entries are "
			"already there, or another program is changing the "
			"catalog right now\n");
}

static bool
is_elevated(void)
{
	TOKEN_ELEVATION el;
	HANDLE tok;
	DWORD len;
	bool ret;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return false;
	ret = GetTokenInformation(tok, TokenElevation, &el, sizeof(el),
		&len) && el.TokenIsElevated;
	CloseHandle(tok);
	return ret;
}

static int
require_admin(const char *what)
{
	if (is_elevated())
		return 0;
	fprintf(stderr, "wspdk-install: %s changes the Winsock catalog, "
		"which only an administrator may do.\n"
		"wspdk-install: run it from an elevated prompt (right-click "
		"the terminal, \"Run as administrator\"); --list works "
		"without.\n", what);
	return EXIT_NOT_ADMIN;
}

/*
 * Wine's ws2_32 exports WSCEnumProtocols32 as a stub that ends the process
 * when called (Wine 8: "unimplemented function"); Windows x64 has the
 * real one. Under Wine there is no 32-bit catalog to read.
 */
static bool
wow64_catalog_readable(void)
{
	HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

	return ntdll == NULL ||
		GetProcAddress(ntdll, "wine_get_version") == NULL;
}

/* WSCEnumProtocols with the usual size probe. Returns 0 or a WSA error. */
static int
catalog_read(enum catalog_kind kind, struct catalog *c)
{
	int (WSPAPI *enum_fn)(LPINT, LPWSAPROTOCOL_INFOW, LPDWORD, LPINT) =
		kind == CATALOG_NATIVE ? WSCEnumProtocols : WSCEnumProtocols32;
	DWORD len = 0;
	int err = 0, r;

	c->e = NULL;
	c->n = 0;
	if (kind == CATALOG_WOW64 && !wow64_catalog_readable())
		return WSAEOPNOTSUPP;
	for (int tries = 0; tries < 4; tries++) {
		r = enum_fn(NULL, c->e, &len, &err);
		if (r != SOCKET_ERROR) {
			c->n = (unsigned int)r;
			return 0;
		}
		if (err != WSAENOBUFS)
			break;
		/* The catalog may grow between the probe and the read. */
		free(c->e);
		c->e = malloc(len);
		if (c->e == NULL)
			return WSA_NOT_ENOUGH_MEMORY;
	}
	free(c->e);
	c->e = NULL;
	return err;
}

static unsigned int
count_ours(const struct catalog *c)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->n; i++)
		n += wsp_order_is_ours(&c->e[i]);
	return n;
}

static const char *
af_name(int af)
{
	return af == AF_INET ? "inet" : af == AF_INET6 ? "inet6" : "other";
}

static const char *
type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_RAW:
		return "raw";
	default:
		return "other";
	}
}

static void
catalog_print(const struct catalog *c)
{
	char name[WSAPROTOCOL_LEN * 2 + 2];

	printf("  pos     id  af     type    proto  chain  name\n");
	for (unsigned int i = 0; i < c->n; i++) {
		const WSAPROTOCOL_INFOW *e = &c->e[i];

		printf("  %3u  %5lu  %-5s  %-6s  %5d  %5d  %s%s\n", i + 1,
			(unsigned long)e->dwCatalogEntryId,
			af_name(e->iAddressFamily), type_name(e->iSocketType),
			e->iProtocol, e->ProtocolChain.ChainLen,
			narrow(e->szProtocol, name, (int)sizeof(name)),
			wsp_order_is_ours(e) ? "   <== wspdk" : "");
	}
}

/* The verdict --list and install end with. */
static void
print_standing(const struct catalog *c, const struct catalog *c32)
{
	WCHAR path[MAX_PATH];
	char npath[2 * MAX_PATH];
	GUID guid = wsp_provider_guid;
	int len = MAX_PATH, err;

	if (count_ours(c) == 0) {
		printf("wspdk: not installed\n");
		return;
	}
	if (WSCGetProviderPath(&guid, path, &len, &err) == 0)
		printf("wspdk: installed, DLL %s\n",
			narrow(path, npath, (int)sizeof(npath)));
	if (wsp_order_in_place(c->e, c->n))
		printf("wspdk: first for AF_INET UDP and TCP: 64-bit "
			"programs started from now on use it\n");
	else
		printf("wspdk: NOT first for AF_INET UDP and TCP: another "
			"provider serves them; run wspdk-install (elevated) "
			"to reorder\n");
	if (c32 != NULL && count_ours(c32) > 0)
		printf("wspdk: %u entries in the 32-bit catalog, left last "
			"(no 32-bit wspdk.dll: 32-bit programs keep "
			"Microsoft's provider)\n", count_ours(c32));
}

static int
do_list(void)
{
	struct catalog c, c32;
	int err = catalog_read(CATALOG_NATIVE, &c);

	if (err != 0) {
		print_wsa_error("WSCEnumProtocols", err);
		return EXIT_FAILURE;
	}
	if (catalog_read(CATALOG_WOW64, &c32) != 0)
		c32.n = 0;
	printf("Winsock catalog, 64-bit, in the order Ws2_32 searches it "
		"(%u entries):\n", c.n);
	catalog_print(&c);
	print_standing(&c, &c32);
	free(c.e);
	free(c32.e);
	return EXIT_SUCCESS;
}

/* Write the order that puts our entries first for AF_INET. */
static int
reorder(const struct catalog *c)
{
	DWORD *order = malloc(c->n * sizeof(*order));
	int ours, r;

	if (order == NULL)
		return WSA_NOT_ENOUGH_MEMORY;
	ours = wsp_order_compute(c->e, c->n, order);
	if (ours <= 0) {
		/* Our entries vanished, or the catalog lists an id twice. */
		free(order);
		return WSAEINVAL;
	}
	r = wsp_order_in_place(c->e, c->n) ? 0 :
		WSCWriteProviderOrder(order, c->n);
	free(order);
	return r;
}

static int
default_dll_path(WCHAR *path, DWORD size)
{
	DWORD n = GetModuleFileNameW(NULL, path, size);
	WCHAR *slash;

	if (n == 0 || n >= size)
		return -1;
	slash = wcsrchr(path, L'\\');
	if (slash == NULL || (size_t)(slash - path) + 11 >= size)
		return -1;
	wcscpy(slash + 1, L"wspdk.dll");
	return 0;
}

static int
install_entries(const WCHAR *path)
{
	WSAPROTOCOL_INFOW all[WSP_CATALOG_NB_ENTRIES];
	WSAPROTOCOL_INFOW entries[WSP_CATALOG_NB_ENTRIES];
	GUID guid = wsp_provider_guid;
	unsigned int nall = wsp_catalog_entries(all, WSP_CATALOG_NB_ENTRIES);
	unsigned int n = 0;
	int err = 0;

	/* Only what the provider serves: an entry ahead of Microsoft's
	 * captures every socket of its kind, with no fall-back. */
	for (unsigned int i = 0; i < nall; i++)
		if (wsp_catalog_served(&all[i]))
			entries[n++] = all[i];

	if (WSCInstallProvider64_32(&guid, path, entries, n, &err) != 0) {
		print_wsa_error("WSCInstallProvider64_32", err);
		return -1;
	}
	return 0;
}

static void
deinstall_entries(void)
{
	GUID guid = wsp_provider_guid;
	int err;

	WSCDeinstallProvider(&guid, &err);
	WSCDeinstallProvider32(&guid, &err);
}

static int
full_dll_path(const WCHAR *dll, WCHAR *path)
{
	DWORD n;

	if (dll == NULL)
		return default_dll_path(path, MAX_PATH);
	n = GetFullPathNameW(dll, MAX_PATH, path, NULL);
	return n == 0 || n >= MAX_PATH ? -1 : 0;
}

static int
do_install(const WCHAR *dll)
{
	WCHAR path[MAX_PATH];
	char npath[2 * MAX_PATH];
	struct catalog c;
	bool fresh = false;
	int err, ret;

	ret = require_admin("installing");
	if (ret != 0)
		return ret;
	if (full_dll_path(dll, path) != 0) {
		fprintf(stderr, "wspdk-install: cannot form the DLL path\n");
		return EXIT_FAILURE;
	}
	narrow(path, npath, (int)sizeof(npath));
	err = catalog_read(CATALOG_NATIVE, &c);
	if (err != 0) {
		print_wsa_error("WSCEnumProtocols", err);
		return EXIT_FAILURE;
	}
	if (count_ours(&c) > 0) {
		printf("wspdk-install: already installed; checking the order "
			"only (--uninstall first to change the DLL path)\n");
	} else {
		if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES) {
			fprintf(stderr, "wspdk-install: %s: no such file (give "
				"the DLL with --dll PATH)\n", npath);
			free(c.e);
			return EXIT_FAILURE;
		}
		free(c.e);
		/* The policy before the entries: no program may start
		 * accelerated in between. */
		if (wsp_pol_install(&wsp_install_reg, stdout) != 0)
			return EXIT_FAILURE;
		if (install_entries(path) != 0) {
			wsp_pol_uninstall(&wsp_install_reg, stdout);
			return EXIT_FAILURE;
		}
		fresh = true;
		printf("wspdk-install: installed %u entries for %s\n",
			WSP_CATALOG_NB_ENTRIES, npath);
		err = catalog_read(CATALOG_NATIVE, &c);
		if (err != 0) {
			print_wsa_error("WSCEnumProtocols", err);
			deinstall_entries();
			wsp_pol_uninstall(&wsp_install_reg, stdout);
			return EXIT_FAILURE;
		}
	}
	err = reorder(&c);
	free(c.e);
	if (err != 0) {
		print_wsa_error("WSCWriteProviderOrder", err);
		if (fresh) {
			/* Half an install is worse than none: undo it. */
			deinstall_entries();
			wsp_pol_uninstall(&wsp_install_reg, stdout);
			fprintf(stderr, "wspdk-install: install undone\n");
		}
		return EXIT_FAILURE;
	}
	return do_list();
}

static int
do_uninstall(void)
{
	struct catalog c, c32;
	GUID guid = wsp_provider_guid;
	int err, ret;
	unsigned int n, n32;

	ret = require_admin("--uninstall");
	if (ret != 0)
		return ret;
	err = catalog_read(CATALOG_NATIVE, &c);
	if (err != 0) {
		print_wsa_error("WSCEnumProtocols", err);
		return EXIT_FAILURE;
	}
	if (catalog_read(CATALOG_WOW64, &c32) != 0)
		c32.n = 0;
	n = count_ours(&c);
	n32 = count_ours(&c32);
	free(c.e);
	free(c32.e);
	if (n == 0 && n32 == 0) {
		printf("wspdk-install: wspdk is not installed\n");
		return wsp_pol_uninstall(&wsp_install_reg, stdout) == 0 ?
			EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (n > 0 && WSCDeinstallProvider(&guid, &err) != 0) {
		print_wsa_error("WSCDeinstallProvider", err);
		return EXIT_FAILURE;
	}
	if (n32 > 0 && WSCDeinstallProvider32(&guid, &err) != 0) {
		print_wsa_error("WSCDeinstallProvider32", err);
		return EXIT_FAILURE;
	}
	printf("wspdk-install: removed %u entries (+%u 32-bit); the others "
		"keep the order they had before wspdk was installed\n", n, n32);
	if (wsp_pol_uninstall(&wsp_install_reg, stdout) != 0)
		return EXIT_FAILURE;
	return do_list();
}

static bool
is_policy_change(const WCHAR *opt)
{
	return wcscmp(opt, L"--policy-add") == 0 ||
		wcscmp(opt, L"--policy-remove") == 0 ||
		wcscmp(opt, L"--policy-default") == 0;
}

/* --policy-add/-remove/-default ARG; ARG in UTF-8 for the policy. */
static int
do_policy(const WCHAR *opt, const WCHAR *warg)
{
	char arg[WSP_POLICY_LINE_MAX];
	int ret;

	ret = require_admin("changing the policy");
	if (ret != 0)
		return ret;
	if (WideCharToMultiByte(CP_UTF8, 0, warg, -1, arg, (int)sizeof(arg),
			NULL, NULL) == 0) {
		fprintf(stderr, "wspdk-install: the argument is too long\n");
		return EXIT_USAGE;
	}
	if (wcscmp(opt, L"--policy-add") == 0)
		ret = wsp_pol_add(&wsp_install_reg, arg, stdout);
	else if (wcscmp(opt, L"--policy-remove") == 0)
		ret = wsp_pol_remove(&wsp_install_reg, arg, stdout);
	else
		ret = wsp_pol_default(&wsp_install_reg, arg, stdout);
	return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int
usage(FILE *f)
{
	fprintf(f,
		"usage: wspdk-install [--dll PATH]   install wspdk and put it "
		"first for AF_INET\n"
		"       wspdk-install --uninstall    remove it\n"
		"       wspdk-install --list         show the Winsock catalog\n"
		"       wspdk-install --policy-add PATH|NAME     accelerate "
		"a program\n"
		"       wspdk-install --policy-remove PATH|NAME  its rules go\n"
		"       wspdk-install --policy-default allow|deny\n"
		"       wspdk-install --policy-list  show the policy\n"
		"The DLL defaults to wspdk.dll beside wspdk-install.exe.\n"
		"All but --list and --policy-list need an elevated prompt.\n");
	return f == stdout ? EXIT_SUCCESS : EXIT_USAGE;
}

int wmain(int argc, WCHAR **argv);	/* -municode's entry point */

int
wmain(int argc, WCHAR **argv)
{
	WSADATA wsa;
	int ret;

	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
		fprintf(stderr, "wspdk-install: WSAStartup failed\n");
		return EXIT_FAILURE;
	}
	if (argc == 1)
		ret = do_install(NULL);
	else if (argc == 3 && wcscmp(argv[1], L"--dll") == 0)
		ret = do_install(argv[2]);
	else if (argc == 2 && wcscmp(argv[1], L"--uninstall") == 0)
		ret = do_uninstall();
	else if (argc == 2 && wcscmp(argv[1], L"--list") == 0)
		ret = do_list();
	else if (argc == 2 && wcscmp(argv[1], L"--policy-list") == 0)
		ret = wsp_pol_list(&wsp_install_reg, stdout) == 0 ?
			EXIT_SUCCESS : EXIT_FAILURE;
	else if (argc == 3 && is_policy_change(argv[1]))
		ret = do_policy(argv[1], argv[2]);
	else if (argc == 2 && (wcscmp(argv[1], L"--help") == 0 ||
			wcscmp(argv[1], L"-h") == 0))
		ret = usage(stdout);
	else
		ret = usage(stderr);
	WSACleanup();
	return ret;
}
