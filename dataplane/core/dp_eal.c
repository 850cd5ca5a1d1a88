/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL, once per process: configuration checks that keep bad values away
 * from EAL, the argv we build, and the init itself.
 *
 * EAL cannot be initialised twice (rte_eal_init returns EALREADY after
 * rte_eal_cleanup), so it stays up for the life of the process; everything
 * below it is cycled by dp_start()/dp_stop(). We never call
 * rte_eal_cleanup(): its telemetry thread outlives it and can crash the
 * application (dpdk-22.11-notes.md §6).
 *
 * The argv is chosen so the process leaves nothing behind
 * (--huge-unlink --no-shconf: every hugepage goes back as soon as it is
 * freed, no files) and no application thread is re-pinned: rte_eal_init
 * runs on a thread of ours, and the main lcore floats over the CPUs the
 * application may use (--lcores 0@(cpus)).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "dp.h"
#include "dp_eal.h"
#include "dp_log.h"
#include "dp_os.h"
#include "drv_port.h"

#define EAL_ARGV_MAX	96
#define EAL_CPUS_MAX	1024	/* CPU_SETSIZE: EAL's own limit */

/* One EAL per process: its state is process-wide by nature. */
static enum { EAL_NONE, EAL_READY, EAL_FAILED } eal_state;
static char *eal_argv[EAL_ARGV_MAX + 1];
static struct dp_eal_argv eal_args = { .v = eal_argv, .max = EAL_ARGV_MAX };
static uint16_t eal_cpus[DP_MAX_LCORES];
static char eal_runtime_dir[256];
static unsigned int eal_nb_lcores;

/*
 * Options users may pass in WSPDK_EAL_ARGS: an allow-list, each value
 * checked here, because EAL must never see something it would exit() on:
 * --help and --log-level=help everywhere, and on Windows any argument
 * error at all (lib/eal/windows/eal.c, rte_eal_init: "if (fctret < 0)
 * exit(1)" after eal_parse_args; Linux's returns -1 instead). Options we
 * own (lcores, memory mode, process type) or that pin memory are refused.
 *
 * Each option names the EALs that have it. Windows' parser is the common
 * one (lib/eal/common/eal_common_options.c, eal_parse_common_option) less
 * what it compiles out there (--syslog, --trace*); the options Linux's
 * eal_parse_args handles itself (--file-prefix, --huge-dir, --vfio-*,
 * --mbuf-pool-ops-name, --match-allocations, ...) make Windows' exit with
 * "not supported on Windows". So Windows gets a subset of Linux's list;
 * --huge-unlink is Linux's only, as Windows has no hugepage files and
 * EAL refuses it with --no-huge there.
 *
 * The value may come from a settings store another user wrote, so nothing
 * here may load code (-d) or make EAL create or delete files outside the
 * provider's own namespace: the file prefix keeps "wspdk" (EAL deletes
 * the unlocked page files of its prefix at init, another DPDK process's
 * if the prefix is theirs) and --huge-dir must be a hugetlbfs.
 */
enum opt_rule {
	OPT_FLAG,	/* no value */
	OPT_VALUE,	/* --opt=value or --opt value */
	OPT_DEVICE,	/* names the device: lifted into WSPDK_DEVICE */
	OPT_REFUSED,
};

#define EAL_LINUX	(1u << DP_EAL_LINUX)
#define EAL_WINDOWS	(1u << DP_EAL_WINDOWS)
#define EAL_BOTH	(EAL_LINUX | EAL_WINDOWS)

/* The EAL this file is built against. */
#ifdef RTE_EXEC_ENV_WINDOWS
#define EAL_BUILT	DP_EAL_WINDOWS
#else
#define EAL_BUILT	DP_EAL_LINUX
#endif

typedef bool (*value_ok_fn)(const char *v);

struct eal_opt {
	const char *name;
	enum opt_rule rule;
	unsigned int eals;	/* EAL_*: whose parser has it */
	value_ok_fn ok;		/* OPT_VALUE: NULL = anything printable */
	const char *what;	/* OPT_VALUE: expected form; REFUSED: why */
	value_ok_fn ok_win;	/* Windows' stricter check, NULL: ok's */
};

static bool
one_of(const char *v, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(v, *set) == 0)
			return true;
	return false;
}

static bool
number_in(const char *v, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)v[0]))
		return false;
	n = strtoul(v, &end, 10);
	return *end == '\0' && n >= lo && n <= hi;
}

static bool
chars_in(const char *v, const char *extra, size_t max)
{
	size_t n = strlen(v);

	if (n == 0 || n > max)
		return false;
	for (; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && strchr(extra, *v) == NULL)
			return false;
	return true;
}

/* [type-pattern(:|,)]level, level a name or 1..8 (rte_log.h). */
static bool
ok_log_level(const char *v)
{
	static const char *const names[] = { "emerg", "alert", "crit",
		"critical", "err", "error", "warning", "notice", "info",
		"debug", NULL };
	const char *sep = strpbrk(v, ":,");
	char pat[128];

	if (sep != NULL) {
		if ((size_t)(sep - v) >= sizeof(pat))
			return false;
		memcpy(pat, v, (size_t)(sep - v));
		pat[sep - v] = '\0';
		if (!chars_in(pat, "._*", sizeof(pat) - 1))
			return false;
		v = sep + 1;
	}
	return one_of(v, names) || number_in(v, 1, 8);
}

/*
 * Windows' EAL has no regular expressions: its regcomp() is a stub that
 * fails (lib/eal/windows/include/regex.h), so "regex,level" is an error
 * there (eal_parse_log_level); "pattern:level" uses fnmatch and works.
 */
static bool
ok_log_level_win(const char *v)
{
	return strchr(v, ',') == NULL && ok_log_level(v);
}

/* eal_parse_iova_mode knows only these; "dc" is its default, unnamed. */
static bool
ok_iova(const char *v)
{
	static const char *const m[] = { "pa", "va", NULL };

	return one_of(v, m);
}

static bool
ok_vfio_intr(const char *v)
{
	static const char *const m[] = { "legacy", "msi", "msix", NULL };

	return one_of(v, m);
}

static bool
ok_syslog(const char *v)
{
	static const char *const f[] = { "auth", "cron", "daemon", "ftp",
		"kern", "lpr", "mail", "news", "syslog", "user", "uucp",
		"local0", "local1", "local2", "local3", "local4", "local5",
		"local6", "local7", NULL };

	return one_of(v, f);
}

static bool
ok_channels(const char *v)
{
	return number_in(v, 1, 64);
}

static bool
ok_megabytes(const char *v)
{
	return number_in(v, 1, 1u << 20);
}

static bool
ok_hex_address(const char *v)
{
	return v[0] == '0' && (v[1] == 'x' || v[1] == 'X') &&
		chars_in(v + 2, "", 16) && strspn(v + 2,
		"0123456789abcdefABCDEF") == strlen(v + 2);
}

static bool
ok_uuid(const char *v)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(v) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool want_dash = i == dash[0] || i == dash[1] ||
			i == dash[2] || i == dash[3];

		if (want_dash ? v[i] != '-' : !isxdigit((unsigned char)v[i]))
			return false;
	}
	return true;
}

#define OWN_PREFIX	"wspdk"

static bool
ok_prefix(const char *v)
{
	return strncmp(v, OWN_PREFIX, strlen(OWN_PREFIX)) == 0 &&
		chars_in(v, "_-", 32);
}

static bool
ok_name(const char *v)
{
	return chars_in(v, "_", 32);
}

static bool
ok_path(const char *v)
{
	return chars_in(v, "/._-+:\\", 255);
}

/* Absolute, so it cannot depend on the application's working directory. */
static bool
ok_huge_dir(const char *v)
{
	return v[0] == '/' && ok_path(v) && dp_os_is_hugetlbfs(v);
}

static bool
ok_pci(const char *v)
{
	char buf[64];

	return drv_device_pci_name(v, buf, sizeof(buf)) == 0 &&
		strchr(v, ',') == NULL;
}

static bool
ok_huge_unlink(const char *v)
{
	/* "never" keeps hugepage files after exit: not with us. */
	static const char *const m[] = { "always", "existing", NULL };

	return one_of(v, m);
}

static const struct eal_opt eal_opts[] = {
	{ "--no-pci", OPT_FLAG, EAL_BOTH, NULL, NULL, NULL },
	{ "--no-huge", OPT_FLAG, EAL_BOTH, NULL, NULL, NULL },
	{ "--no-hpet", OPT_FLAG, EAL_BOTH, NULL, NULL, NULL },
	{ "--no-telemetry", OPT_FLAG, EAL_BOTH, NULL, NULL, NULL },
	{ "--telemetry", OPT_FLAG, EAL_BOTH, NULL, NULL, NULL },
	{ "--no-shconf", OPT_FLAG, EAL_BOTH, NULL, NULL, NULL },
	{ "--match-allocations", OPT_FLAG, EAL_LINUX, NULL, NULL, NULL },
	{ "--huge-unlink", OPT_FLAG, EAL_LINUX, ok_huge_unlink,
		"always or existing", NULL },
	{ "--log-level", OPT_VALUE, EAL_BOTH, ok_log_level,
		"[type-pattern:]level, level a name or 1-8 (on Windows no "
		"regex,level: its EAL has no regular expressions)",
		ok_log_level_win },
	{ "--syslog", OPT_VALUE, EAL_LINUX, ok_syslog, "a syslog facility",
		NULL },
	{ "--iova-mode", OPT_VALUE, EAL_BOTH, ok_iova, "pa or va", NULL },
	{ "--huge-dir", OPT_VALUE, EAL_LINUX, ok_huge_dir,
		"the absolute path of a mounted hugetlbfs directory", NULL },
	{ "--base-virtaddr", OPT_VALUE, EAL_BOTH, ok_hex_address,
		"0x<hex address>", NULL },
	{ "--mbuf-pool-ops-name", OPT_VALUE, EAL_LINUX, ok_name,
		"a mempool driver", NULL },
	{ "--vfio-intr", OPT_VALUE, EAL_LINUX, ok_vfio_intr,
		"legacy, msi or msix", NULL },
	{ "--vfio-vf-token", OPT_VALUE, EAL_LINUX, ok_uuid, "a UUID", NULL },
	{ "--file-prefix", OPT_VALUE, EAL_LINUX, ok_prefix,
		"wspdk then letters, digits, '_' or '-' (32 at most)", NULL },
	{ "-n", OPT_VALUE, EAL_BOTH, ok_channels, "1-64", NULL },
	{ "-m", OPT_VALUE, EAL_BOTH, ok_megabytes, "megabytes", NULL },
	{ "-b", OPT_VALUE, EAL_BOTH, ok_pci, "a PCI address", NULL },
	{ "--block", OPT_VALUE, EAL_BOTH, ok_pci, "a PCI address", NULL },
	{ "--vdev", OPT_DEVICE, EAL_BOTH, NULL, NULL, NULL },
	{ "-a", OPT_DEVICE, EAL_BOTH, NULL, NULL, NULL },
	{ "--allow", OPT_DEVICE, EAL_BOTH, NULL, NULL, NULL },
	{ "-h", OPT_REFUSED, EAL_BOTH, NULL,
		"EAL would exit the application", NULL },
	{ "--help", OPT_REFUSED, EAL_BOTH, NULL,
		"EAL would exit the application", NULL },
	{ "-v", OPT_REFUSED, EAL_BOTH, NULL,
		"not useful inside an application", NULL },
	{ "-d", OPT_REFUSED, EAL_BOTH, NULL,
		"loads a shared object: code into the application", NULL },
	{ "-l", OPT_REFUSED, EAL_BOTH, NULL, "set WSPDK_LCORES instead",
		NULL },
	{ "-c", OPT_REFUSED, EAL_BOTH, NULL, "set WSPDK_LCORES instead",
		NULL },
	{ "--lcores", OPT_REFUSED, EAL_BOTH, NULL,
		"set WSPDK_LCORES instead", NULL },
	{ "--main-lcore", OPT_REFUSED, EAL_BOTH, NULL,
		"the provider chooses the main lcore", NULL },
	{ "-s", OPT_REFUSED, EAL_BOTH, NULL, "service cores are not used",
		NULL },
	{ "-S", OPT_REFUSED, EAL_BOTH, NULL, "service cores are not used",
		NULL },
	{ "--proc-type", OPT_REFUSED, EAL_BOTH, NULL,
		"the provider is a primary process", NULL },
	{ "--in-memory", OPT_REFUSED, EAL_BOTH, NULL,
		"keeps hugepages until exit", NULL },
	{ "--legacy-mem", OPT_REFUSED, EAL_BOTH, NULL,
		"pins hugepages for the process life", NULL },
	{ "--socket-mem", OPT_REFUSED, EAL_BOTH, NULL,
		"pins hugepages for the process life", NULL },
	{ "--socket-limit", OPT_REFUSED, EAL_BOTH, NULL,
		"not needed in dynamic memory mode", NULL },
	{ "--single-file-segments", OPT_REFUSED, EAL_BOTH, NULL,
		"incompatible with --huge-unlink", NULL },
	{ "--create-uio-dev", OPT_REFUSED, EAL_BOTH, NULL,
		"creates /dev/uio device files", NULL },
	{ "--trace", OPT_REFUSED, EAL_BOTH, NULL,
		"writes trace files outside the provider's prefix", NULL },
	{ "--trace-dir", OPT_REFUSED, EAL_BOTH, NULL,
		"writes trace files outside the provider's prefix", NULL },
};

static const struct eal_opt *
find_opt(const char *arg, const char **value)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);

	*value = eq != NULL ? eq + 1 : NULL;
	for (size_t i = 0; i < RTE_DIM(eal_opts); i++) {
		if (strlen(eal_opts[i].name) == n &&
				strncmp(eal_opts[i].name, arg, n) == 0)
			return &eal_opts[i];
	}
	/* Short options also take their value glued on: -m512. */
	if (arg[0] == '-' && arg[1] != '-' && arg[1] != '\0' &&
			arg[2] != '\0' && eq == NULL) {
		for (size_t i = 0; i < RTE_DIM(eal_opts); i++) {
			if (strlen(eal_opts[i].name) == 2 &&
					eal_opts[i].name[1] == arg[1]) {
				*value = arg + 2;
				return &eal_opts[i];
			}
		}
	}
	return NULL;
}

/* Split on blanks; no quoting (no EAL option we accept needs spaces). */
int
dp_eal_tokenize(const char *s, char *buf, size_t buflen, char **tok,
		int max)
{
	int n = 0;
	size_t len = strlen(s);
	char *p;

	if (len >= buflen)
		return -E2BIG;
	memcpy(buf, s, len + 1);
	for (p = strtok(buf, " \t\r\n"); p != NULL;
			p = strtok(NULL, " \t\r\n")) {
		if (n == max)
			return -E2BIG;
		tok[n++] = p;
	}
	return n;
}

static const char *
eal_name(enum dp_eal_os os)
{
	return os == DP_EAL_WINDOWS ? "Windows" : "Linux";
}

/* Whether EAL os takes option o at all (NULL: not on our list). */
static int
check_opt(const struct eal_opt *o, const char *tok, enum dp_eal_os os,
		char *err, size_t errlen)
{
	if (o == NULL) {
		snprintf(err, errlen, "EAL option '%s' is not one the "
			"provider accepts", tok);
		return -EINVAL;
	}
	if (o->rule == OPT_REFUSED) {
		snprintf(err, errlen, "EAL option %s is refused: %s",
			o->name, o->what);
		return -EINVAL;
	}
	if ((o->eals & (1u << os)) == 0) {
		snprintf(err, errlen, "EAL option %s does not exist on this "
			"OS (%s' EAL would exit the application)", o->name,
			eal_name(os));
		return -EINVAL;
	}
	return 0;
}

static int
check_value(const struct eal_opt *o, const char *v, enum dp_eal_os os,
		char *err, size_t errlen)
{
	value_ok_fn ok = os == DP_EAL_WINDOWS && o->ok_win != NULL ?
		o->ok_win : o->ok;

	if (o->rule == OPT_FLAG) {
		/* A flag takes a value only where it has a checker. */
		if (v == NULL || (ok != NULL && ok(v)))
			return 0;
		snprintf(err, errlen, "EAL option %s=%s: %s", o->name, v,
			ok == NULL ? "takes no value" : o->what);
		return -EINVAL;
	}
	if (v == NULL || v[0] == '\0') {
		snprintf(err, errlen, "EAL option %s needs a value", o->name);
		return -EINVAL;
	}
	if (ok != NULL && !ok(v)) {
		snprintf(err, errlen, "EAL option %s=%s: expected %s", o->name,
			v, o->what);
		return -EINVAL;
	}
	return 0;
}

/* What a walk saw, for the combinations EAL checks. */
struct eal_seen {
	bool no_huge;
	bool mem;		/* -m */
	bool match_alloc;
	bool unlink;		/* --huge-unlink[=always] */
	bool block;		/* -b, --block */
};

static void
seen_opt(struct eal_seen *s, const struct eal_opt *o, const char *v)
{
	s->no_huge |= strcmp(o->name, "--no-huge") == 0;
	s->mem |= strcmp(o->name, "-m") == 0;
	s->match_alloc |= strcmp(o->name, "--match-allocations") == 0;
	/* "existing" is "the same as not specifying the option". */
	s->unlink |= strcmp(o->name, "--huge-unlink") == 0 &&
		(v == NULL || strcmp(v, "always") == 0);
	s->block |= strcmp(o->name, "-b") == 0 ||
		strcmp(o->name, "--block") == 0;
}

/*
 * The combinations EAL refuses, in eal_check_common_options unless said:
 * with what the provider adds itself, each would end the application on
 * Windows. -m with --socket-mem, and --no-huge (which implies legacy
 * memory) with --legacy-mem or --in-memory cannot happen: the user may
 * give none of the three, and the provider passes --in-memory only on
 * Windows without --no-huge (dp_os_eal_mode_args).
 */
static int
check_combinations(const struct eal_seen *s, const char *device, char *err,
		size_t errlen)
{
	char pci[64];

	if (s->mem && !s->no_huge) {
		snprintf(err, errlen, "EAL option -m pins hugepages for the "
			"process life; only allowed with --no-huge");
		return -EINVAL;
	}
	if (s->no_huge && s->match_alloc) {
		snprintf(err, errlen, "EAL refuses --match-allocations with "
			"--no-huge");
		return -EINVAL;
	}
	if (s->no_huge && s->unlink) {
		snprintf(err, errlen, "EAL refuses --huge-unlink with "
			"--no-huge");
		return -EINVAL;
	}
	/* eal_parse_common_option: "allow (-a) and block (-b) can't be
	 * used at the same time"; a PCI device is passed as -a. */
	if (s->block && device != NULL &&
			drv_device_pci_name(device, pci, sizeof(pci)) == 0) {
		snprintf(err, errlen, "EAL option -b/--block: EAL refuses it "
			"beside the -a %s the provider passes for the device",
			pci);
		return -EINVAL;
	}
	return 0;
}

/*
 * Walk WSPDK_EAL_ARGS as EAL os would parse it, device the port the
 * provider will pass (NULL: not known yet). cb (may be NULL) sees each
 * accepted option with its value.
 */
static int
walk_eal_args(const char *args, const char *device, enum dp_eal_os os,
		char *err, size_t errlen,
		void (*cb)(const struct eal_opt *, const char *, void *),
		void *arg)
{
	char buf[DP_EAL_ARGS_MAX], *tok[EAL_ARGV_MAX];
	struct eal_seen seen = { .no_huge = false };
	const struct eal_opt *o;
	const char *v;
	int n, ret;

	n = dp_eal_tokenize(args, buf, sizeof(buf), tok, EAL_ARGV_MAX / 2);
	if (n < 0) {
		snprintf(err, errlen, "WSPDK_EAL_ARGS is too long");
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		o = find_opt(tok[i], &v);
		ret = check_opt(o, tok[i], os, err, errlen);
		if (ret != 0)
			return ret;
		if (o->rule != OPT_FLAG && v == NULL && i + 1 < n &&
				tok[i + 1][0] != '-')
			v = tok[++i];
		ret = check_value(o, v, os, err, errlen);
		if (ret != 0)
			return ret;
		seen_opt(&seen, o, v);
		if (cb != NULL)
			cb(o, v, arg);
	}
	return check_combinations(&seen, device, err, errlen);
}

struct device_scan {
	char device[DP_DEVICE_MAX];
	unsigned int count;
};

static void
scan_device(const struct eal_opt *o, const char *v, void *arg)
{
	struct device_scan *d = arg;

	if (o->rule != OPT_DEVICE)
		return;
	d->count++;
	snprintf(d->device, sizeof(d->device), "%s", v);
}

int
dp_eal_device(const char *args, char *device, size_t len)
{
	struct device_scan d = { .count = 0 };
	char err[160];

	if (walk_eal_args(args, NULL, EAL_BUILT, err, sizeof(err),
			scan_device, &d) != 0 || d.count == 0)
		return 0;
	snprintf(device, len, "%s", d.device);
	return (int)d.count;
}

int
dp_eal_args_check_os(const char *args, const char *device,
		enum dp_eal_os os, char *err, size_t errlen)
{
	struct device_scan d = { .count = 0 };
	int ret;

	ret = walk_eal_args(args, device, os, err, errlen, scan_device, &d);
	if (ret != 0)
		return ret;
	if (d.count > 1) {
		snprintf(err, errlen, "WSPDK_EAL_ARGS names %u devices; the "
			"provider drives one port", d.count);
		return -EINVAL;
	}
	return 0;
}

int
dp_eal_args_check(const char *args, const char *device, char *err,
		size_t errlen)
{
	return dp_eal_args_check_os(args, device, EAL_BUILT, err, errlen);
}

/*
 * The CPUs EAL os can pin a thread to. --lcores sets are parsed into a
 * CPU_SETSIZE bitmap (eal_parse_set refuses higher ids: 1024 on Linux,
 * RTE_MAX_LCORE on Windows, lib/eal/windows/include/sched.h), and
 * Windows' pthread_setaffinity_np hands only the set's first 64 bits to
 * SetThreadAffinityMask (lib/eal/windows/include/pthread.h): above CPU 63
 * a worker would run unpinned and the main lcore fail EAL init.
 */
static unsigned int
eal_cpu_limit(enum dp_eal_os os)
{
	return os == DP_EAL_WINDOWS ? 64 : EAL_CPUS_MAX;
}

static bool
cpu_in(const uint16_t *set, unsigned int n, unsigned int cpu)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i] == cpu)
			return true;
	return false;
}

/* One WSPDK_LCORES entry against EAL os and this process. */
static int
check_lcore_cpu(unsigned int cpu, enum dp_eal_os os, const uint16_t *allowed,
		unsigned int na, unsigned int ncpu, char *err, size_t errlen)
{
	if (cpu >= ncpu) {
		snprintf(err, errlen, "WSPDK_LCORES: CPU %u does not exist "
			"(%u CPUs)", cpu, ncpu);
		return -EINVAL;
	}
	if (cpu >= eal_cpu_limit(os)) {
		snprintf(err, errlen, "WSPDK_LCORES: CPU %u: %s' EAL pins "
			"lcores to CPUs 0-%u only", cpu, eal_name(os),
			eal_cpu_limit(os) - 1);
		return -EINVAL;
	}
	/* Windows pins a thread only inside its process's affinity (Linux
	 * within the cpuset cgroup, which the affinity need not show). */
	if (os == DP_EAL_WINDOWS && !cpu_in(allowed, na, cpu)) {
		snprintf(err, errlen, "WSPDK_LCORES: CPU %u is outside the "
			"CPUs this process may use", cpu);
		return -EINVAL;
	}
	return 0;
}

int
dp_eal_lcore_cpus_os(const struct dp_conf *conf, enum dp_eal_os os,
		const uint16_t *allowed, unsigned int na, unsigned int ncpu,
		uint16_t *cpus, unsigned int *n, char *err, size_t errlen)
{
	if (conf->nb_lcores > 0) {
		for (unsigned int i = 0; i < conf->nb_lcores; i++) {
			if (check_lcore_cpu(conf->lcore_cpus[i], os, allowed,
					na, ncpu, err, errlen) != 0)
				return -EINVAL;
			if (cpu_in(cpus, i, conf->lcore_cpus[i])) {
				snprintf(err, errlen, "WSPDK_LCORES: CPU %u "
					"listed twice", conf->lcore_cpus[i]);
				return -EINVAL;
			}
			cpus[i] = conf->lcore_cpus[i];
		}
		*n = conf->nb_lcores;
		return 0;
	}
	for (unsigned int i = na; i > 0; i--) {
		if (allowed[i - 1] < eal_cpu_limit(os)) {
			cpus[0] = allowed[i - 1];
			*n = 1;
			return 0;
		}
	}
	if (na == 0)
		snprintf(err, errlen, "cannot read the CPU affinity");
	else
		snprintf(err, errlen, "no CPU this process may use is one "
			"%s' EAL can pin (0-%u)", eal_name(os),
			eal_cpu_limit(os) - 1);
	return -EINVAL;
}

/* The CPUs dataplane lcores run on: configured, or the last usable one. */
int
dp_eal_lcore_cpus(const struct dp_conf *conf, uint16_t *cpus,
		unsigned int *n, char *err, size_t errlen)
{
	uint16_t allowed[EAL_CPUS_MAX];
	unsigned int na = dp_os_cpus_allowed(allowed, RTE_DIM(allowed));

	return dp_eal_lcore_cpus_os(conf, EAL_BUILT, allowed, na,
		dp_os_cpu_count(), cpus, n, err, errlen);
}

unsigned int
dp_eal_cpus_usable(enum dp_eal_os os, uint16_t *cpus, unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (cpus[i] < eal_cpu_limit(os))
			cpus[k++] = cpus[i];
	return k;
}

/*
 * Append s, which argv now owns (NULL: its allocation failed). The first
 * failure sticks in a->err and dp_eal_argv_build reports it: EAL started
 * without an argument (the --lcores that keeps it off the application's
 * CPUs, the memory mode) would run, wrongly, rather than fail.
 */
static void
argv_take(struct dp_eal_argv *a, char *s)
{
	if (a->err != 0) {
		free(s);
	} else if (s == NULL) {
		a->err = -ENOMEM;
	} else if (a->argc == a->max) {
		free(s);
		a->err = -E2BIG;
	} else {
		a->v[a->argc++] = s;
	}
}

static void
argv_push(struct dp_eal_argv *a, const char *s)
{
	argv_take(a, strdup(s));
}

static void
push_user_opt(const struct eal_opt *o, const char *v, void *arg)
{
	char buf[DP_EAL_ARGS_MAX + 32];
	struct dp_eal_argv *a = arg;

	if (o->rule == OPT_DEVICE)
		return;		/* drivers/ probes the device itself */
	if (strcmp(o->name, "--file-prefix") == 0) {
		snprintf(a->prefix, sizeof(a->prefix), "%s", v);
		return;
	}
	if (v == NULL) {
		argv_push(a, o->name);
		return;
	}
	snprintf(buf, sizeof(buf), o->name[1] == '-' ? "%s=%s" : "%s%s",
		o->name, v);
	argv_push(a, buf);
}

/*
 * Write at off into buf (len bytes; buf NULL to measure) like snprintf;
 * returns the length the text takes whether or not it fitted.
 */
static size_t
put(char *buf, size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(off < len ? buf + off : NULL, off < len ? len - off : 0,
		fmt, ap);
	va_end(ap);
	return n > 0 ? (size_t)n : 0;
}

/*
 * The --lcores text into buf, or its length alone (buf NULL). allowed[]
 * goes in as runs: a run of consecutive CPUs is "a-b", a lone one "a",
 * so a whole machine takes a few bytes however many CPUs it has.
 */
static size_t
lcores_text(char *buf, size_t len, const uint16_t *allowed, unsigned int na,
		const uint16_t *cpus, unsigned int n)
{
	size_t off = put(buf, len, 0, "--lcores=0@(");
	unsigned int i = 0, j;

	while (i < na) {
		for (j = i; j + 1 < na && allowed[j + 1] == allowed[j] + 1; j++)
			;
		off += put(buf, len, off, i == 0 ? "%u" : ",%u", allowed[i]);
		/* eal_parse_set marks "no range open" with RTE_MAX_LCORE: a
		 * range from that CPU would lose its start (128-130 parses
		 * as 130 alone), so that CPU goes on its own. */
		if (j > i && allowed[i] == RTE_MAX_LCORE)
			off += put(buf, len, off, ",%u", allowed[++i]);
		if (j > i)
			off += put(buf, len, off, "-%u", allowed[j]);
		i = j + 1;
	}
	off += put(buf, len, off, ")");
	for (i = 0; i < n; i++)
		off += put(buf, len, off, ",%u@%u", i + 1, cpus[i]);
	return off;
}

/* Sized by a measuring pass: EAL takes up to 1024 CPUs (CPU_SETSIZE). */
char *
dp_eal_lcores_arg(const uint16_t *allowed, unsigned int na,
		const uint16_t *cpus, unsigned int n)
{
	size_t len;
	char *s;

	if (na == 0)
		return NULL;
	len = lcores_text(NULL, 0, allowed, na, cpus, n) + 1;
	s = malloc(len);
	if (s != NULL)
		lcores_text(s, len, allowed, na, cpus, n);
	return s;
}

static bool
argv_has(const struct dp_eal_argv *a, const char *arg)
{
	for (int i = 0; i < a->argc; i++)
		if (strcmp(a->v[i], arg) == 0)
			return true;
	return false;
}

void
dp_eal_argv_free(struct dp_eal_argv *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->v[i]);
	a->argc = 0;
}

int
dp_eal_argv_build(struct dp_eal_argv *a, const struct dp_conf *conf,
		const uint16_t *cpus, unsigned int n, const uint16_t *allowed,
		unsigned int na, char *err, size_t errlen)
{
	char pci[64], mode[4][64];
	unsigned int nmode;
	int ret;

	a->argc = 0;
	a->err = 0;
	a->prefix[0] = '\0';
	if (na == 0) {
		snprintf(err, errlen, "no CPU to run the main lcore on "
			"(cannot read the CPU affinity)");
		return -EINVAL;
	}
	argv_push(a, "wspdk");
	ret = walk_eal_args(conf->eal_args, conf->device, EAL_BUILT, err,
		errlen, push_user_opt, a);
	if (ret != 0)
		goto fail;
	if (a->prefix[0] == '\0')
		snprintf(a->prefix, sizeof(a->prefix), OWN_PREFIX "%ld",
			dp_os_pid());
	nmode = dp_os_eal_mode_args(a->prefix, argv_has(a, "--no-huge"),
		mode, RTE_DIM(mode));
	for (unsigned int i = 0; i < nmode; i++)
		argv_push(a, mode[i]);
	/* The NIC is probed only when the user names it; otherwise the PCI
	 * bus stays off so this machine's own NIC is never touched. */
	if (drv_device_pci_name(conf->device, pci, sizeof(pci)) == 0) {
		argv_push(a, "-a");
		argv_push(a, pci);
	} else {
		argv_push(a, "--no-pci");
	}
	argv_take(a, dp_eal_lcores_arg(allowed, na, cpus, n));
	ret = a->err;
	if (ret == -E2BIG)
		snprintf(err, errlen, "more than %d EAL arguments", a->max);
	else if (ret != 0)
		snprintf(err, errlen, "out of memory for the EAL arguments");
	if (ret != 0)
		goto fail;
	a->v[a->argc] = NULL;
	return 0;
fail:
	dp_eal_argv_free(a);
	return ret;
}

/*
 * EAL leaves its (empty, with --no-shconf) runtime directory behind. This
 * runs at exit after telemetry's own handler has unlinked its socket:
 * handlers run in reverse order and this one is registered before
 * rte_eal_init registers telemetry's.
 */
static void
remove_runtime_dir(void)
{
	if (eal_runtime_dir[0] != '\0')
		dp_os_rmdir(eal_runtime_dir);
}

/* The whole argv in one line, however long --lcores is. */
static void
log_argv(const struct dp_eal_argv *a)
{
	size_t len = 1, off = 0;
	char *line;

	for (int i = 0; i < a->argc; i++)
		len += strlen(a->v[i]) + 1;
	line = malloc(len);
	if (line == NULL) {
		DP_LOG(INFO, "EAL init: %d arguments", a->argc);
		return;
	}
	line[0] = '\0';
	for (int i = 0; i < a->argc; i++)
		off += put(line, len, off, " %s", a->v[i]);
	DP_LOG(INFO, "EAL init:%s", line);
	free(line);
}

struct init_job {
	const struct dp_conf *conf;
	int ret;
	int rte_err;
	uint64_t us_pmd;	/* loading the PMDs ourselves */
	uint64_t us_eal;	/* rte_eal_init */
};

static void
eal_init_thread(void *arg)
{
	struct init_job *job = arg;
	/* rte_eal_init may permute argv: give it a copy. */
	char *argv[RTE_DIM(eal_argv)];
	uint64_t t0 = dp_os_now_us(), t1;
#ifndef RTE_EXEC_ENV_WINDOWS
	/* Windows' DPDK is static: no plugins to load. */
	int hidden = dp_eal_pmd_only(job->conf->device, job->conf->eal_args);
#endif

	memcpy(argv, eal_argv, sizeof(argv));
	t1 = dp_os_now_us();
	job->ret = rte_eal_init(eal_args.argc, argv);
	job->rte_err = rte_errno;
#ifndef RTE_EXEC_ENV_WINDOWS
	if (hidden)
		dp_eal_pmd_unhide();
#endif
	job->us_pmd = t1 - t0;
	job->us_eal = dp_os_now_us() - t1;
}

int
dp_eal_init(const struct dp_conf *conf)
{
	struct init_job job = { .conf = conf, .ret = -1 };
	uint16_t cpus[DP_MAX_LCORES], allowed[EAL_CPUS_MAX];
	unsigned int n, na;
	char err[160];
	int ret;

	if (eal_state == EAL_READY) {
#ifndef RTE_EXEC_ENV_WINDOWS
		dp_eal_pmd_more(conf->device, conf->eal_args);
#endif
		return 0;
	}
	if (eal_state == EAL_FAILED)
		return -EALREADY;
	if (dp_eal_lcore_cpus(conf, cpus, &n, err, sizeof(err)) != 0) {
		DP_LOG(ERR, "%s", err);
		return -EINVAL;
	}
	na = dp_eal_cpus_usable(EAL_BUILT, allowed,
		dp_os_cpus_allowed(allowed, RTE_DIM(allowed)));
	ret = dp_eal_argv_build(&eal_args, conf, cpus, n, allowed, na, err,
		sizeof(err));
	if (ret != 0) {
		DP_LOG(ERR, "EAL arguments: %s", err);
		return ret;
	}
	atexit(remove_runtime_dir);
	log_argv(&eal_args);
	/* A thread of our own becomes the main lcore and takes its
	 * affinity; the application's threads keep theirs. */
	if (dp_os_run_thread(eal_init_thread, &job) != 0) {
		DP_LOG(ERR, "cannot create the EAL init thread");
		return -EAGAIN;
	}
	if (job.ret < 0) {
		DP_LOG(ERR, "rte_eal_init failed: %s", rte_strerror(
			job.rte_err));
		/* EAL resets itself only after argument errors, and only
		 * Linux's: Windows' has no run-once guard and would redo its
		 * whole init over the remains of this one (lib/eal/windows/
		 * eal.c, rte_eal_init: the second --lcores is then a parse
		 * error, and exit(1)). */
		if (job.rte_err != EINVAL || EAL_BUILT == DP_EAL_WINDOWS)
			eal_state = EAL_FAILED;
		dp_eal_argv_free(&eal_args);
		return job.rte_err == EINVAL ? -EINVAL : -EALREADY;
	}
	DP_LOG(INFO, "EAL up: rte_eal_init %.1f ms, PMDs before it %.1f ms",
		job.us_eal / 1e3, job.us_pmd / 1e3);
	snprintf(eal_runtime_dir, sizeof(eal_runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	memcpy(eal_cpus, cpus, sizeof(cpus));
	eal_nb_lcores = n;
	eal_state = EAL_READY;
	return 0;
}

unsigned int
dp_eal_nb_lcores(void)
{
	return eal_nb_lcores;
}

const char *
dp_eal_prefix(void)
{
	return eal_args.prefix;
}

unsigned int
dp_eal_lcore_cpu(unsigned int i)
{
	return eal_cpus[i];
}
