/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the configuration parsers and checks, which read
 * values a settings store, a file or the environment hands in.
 *
 *   wsp_config_load (provider/wsp_config.c) over machine and user
 *   settings, a WSPDK_CONFIG file and the environment, with
 *   wsp_settings_user_allowed/_filter deciding what of the user's applies
 *   -> dp_conf_resolve_device, dp_conf_check (dataplane/dp_conf.c)
 *   -> drv_device_check, drv_device_pci_name (drivers/drv_port.c)
 *   -> dp_eal_args_check, dp_eal_device, dp_eal_argv_build (dp_eal.c)
 *
 * Input: a header of numbers (the CPUs the "machine" has and allows,
 * conf fields), then NUL-separated strings: the device, the EAL
 * arguments, then settings "<tag>NAME=VALUE" with tag M (machine), U
 * (user), E (environment) or F (a line of the WSPDK_CONFIG file).
 *
 * Nothing here starts EAL or touches the machine: the provider's OS seam
 * (wsp_getenv, wsp_environ, wsp_os_settings) is this file, and the
 * dataplane's probes of the machine (hugetlbfs, CPUs) are wrapped at link
 * time (-Wl,--wrap). The config file is a memfd. Every string a parser
 * gets is a heap block of exactly its length, terminator included.
 *
 * Oracles beyond the sanitizers: what each function's comment promises.
 * An accepted configuration passes every check again; an accepted EAL
 * argv loads no code (-d), writes no trace (--trace*), takes no lcore or
 * memory option from the user, names a PCI device only when the device
 * is one, always has a wspdk file prefix, and ends with the --lcores the
 * provider computed; per-user settings are not read unless the machine
 * allows them, and never win a key the machine set.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dp.h"
#include "dp_eal.h"
#include "drv_port.h"
#include "fuzz_in.h"
#include "wsp_config.h"
#include "wsp_os.h"
#include "wsp_settings.h"

#define MAX_FIELDS	48
#define MAX_CPUS	1024	/* EAL's CPU_SETSIZE */
#define ARGV_MAX	96
#define HUGE_DIR	"/fuzz/hugepages"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The machine as this input describes it. */
static struct {
	unsigned int ncpu;
	uint16_t allowed[MAX_CPUS];
	unsigned int nallowed;
	const char **machine, **user, **env;
	const char *config_path;
	unsigned int user_reads;
} m;


/* A heap copy of exactly strlen + 1 bytes. */
static char *
hstr(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p == NULL)
		fa_die("out of memory");
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/*
 * The OS seams, wrapped or replaced.
 */
bool __wrap_dp_os_is_hugetlbfs(const char *path);
unsigned int __wrap_dp_os_cpus_allowed(uint16_t *cpus, unsigned int max);
unsigned int __wrap_dp_os_cpu_count(void);

bool
__wrap_dp_os_is_hugetlbfs(const char *path)
{
	return strcmp(path, HUGE_DIR) == 0;
}

unsigned int
__wrap_dp_os_cpus_allowed(uint16_t *cpus, unsigned int max)
{
	unsigned int n = m.nallowed < max ? m.nallowed : max;

	memcpy(cpus, m.allowed, n * sizeof(*cpus));
	return n;
}

unsigned int
__wrap_dp_os_cpu_count(void)
{
	return m.ncpu;
}

const char *
wsp_getenv(const char *name)
{
	/* The file is ours, whatever the input's environment says: a
	 * fuzzed path could name a FIFO or a device. */
	if (strcmp(name, "WSPDK_CONFIG") == 0)
		return m.config_path;
	return NULL;
}

const char *const *
wsp_environ(void)
{
	return m.env;
}

int
wsp_os_settings(enum wsp_os_scope scope, const char *const **list,
		const char **where)
{
	if (scope == WSP_OS_USER)
		m.user_reads++;
	*list = scope == WSP_OS_USER ? m.user : m.machine;
	*where = scope == WSP_OS_USER ? "fuzzed user store" :
		"fuzzed machine store";
	return 0;
}

/*
 * The machine: ncpu CPUs, of which a pattern is allowed.
 */
static void
machine_cpus(struct fa_in *in)
{
	uint8_t pat = fa_u8(in);
	unsigned int lo, hi;

	m.ncpu = fa_u16(in) % MAX_CPUS + 1;
	lo = fa_u16(in) % m.ncpu;
	hi = lo + fa_u16(in) % (m.ncpu - lo);
	m.nallowed = 0;
	for (unsigned int c = 0; c < m.ncpu; c++) {
		bool in_set;

		switch (pat % 4) {
		case 0:
			in_set = true;
			break;
		case 1:
			in_set = (c % ((pat >> 2) % 7 + 2)) == 0;
			break;
		case 2:
			in_set = c >= lo && c <= hi;
			break;
		default:
			in_set = c == hi;
			break;
		}
		if (in_set)
			m.allowed[m.nallowed++] = (uint16_t)c;
	}
	if (pat & 0x80)
		m.nallowed = 0;		/* the affinity cannot be read */
}

/* The input's strings, each a heap block of its exact size. */
struct fields {
	char *s[MAX_FIELDS];
	unsigned int n;
};

static void
split(struct fa_in *in, struct fields *fl)
{
	fl->n = 0;
	while (in->n > 0 && fl->n < MAX_FIELDS) {
		const uint8_t *z = memchr(in->p, '\0', in->n);
		size_t len = z != NULL ? (size_t)(z - in->p) : in->n;

		fl->s[fl->n++] = hstr((const char *)in->p, len);
		in->p += len;
		in->n -= len;
		if (in->n > 0) {
			in->p++;
			in->n--;
		}
	}
}

/* NULL-terminated list of the fields tagged tag (tag stripped), its
 * array exactly n + 1 pointers. The strings are the fields' tails. */
static const char **
list_of(const struct fields *fl, char tag)
{
	const char **l;
	unsigned int n = 0, k = 0;

	for (unsigned int i = 2; i < fl->n; i++)
		n += fl->s[i][0] == tag;
	l = malloc((n + 1) * sizeof(*l));
	if (l == NULL)
		fa_die("out of memory");
	for (unsigned int i = 2; i < fl->n; i++)
		if (fl->s[i][0] == tag)
			l[k++] = fl->s[i] + 1;
	l[k] = NULL;
	return l;
}

/*
 * wsp_settings: what the header promises, recomputed independently.
 */
static bool
same_name(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");

	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		if (tolower((unsigned char)a[i]) !=
				tolower((unsigned char)b[i]))
			return false;
	return true;
}

static bool
named_in(const char *const *list, const char *e)
{
	for (; *list != NULL; list++)
		if (same_name(*list, e))
			return true;
	return false;
}

static int
expect_allowed(const char *const *machine)
{
	for (; *machine != NULL; machine++) {
		const char *v;

		if (!same_name(*machine, WSP_SETTINGS_ALLOW_USER "="))
			continue;
		v = *machine + strcspn(*machine, "=");
		v += *v == '=';
		if (strcmp(v, "0") == 0)
			return 0;
		return strcmp(v, "1") == 0 ? 1 : -EINVAL;
	}
	return 0;
}

static void
check_settings(const char *const *machine, const char *const *user)
{
	char err[96];
	int got = wsp_settings_user_allowed(machine, err, sizeof(err));
	const char **out = wsp_settings_user_filter(machine, user);
	unsigned int k = 0;

	if (got != expect_allowed(machine))
		fa_die("wsp_settings_user_allowed: %d, expected %d", got,
			expect_allowed(machine));
	if (out == NULL)
		fa_die("wsp_settings_user_filter: NULL");
	/* The user's entries the machine does not name, in order. */
	for (unsigned int i = 0; user[i] != NULL; i++) {
		if (named_in(machine, user[i]))
			continue;
		if (out[k] != user[i])
			fa_die("wsp_settings_user_filter dropped or reordered "
				"'%s'", user[i]);
		k++;
	}
	if (out[k] != NULL)
		fa_die("wsp_settings_user_filter kept '%s', which the machine "
			"sets", out[k]);
	free(out);
}

/*
 * The device string.
 */
static void
check_device(const char *dev)
{
	char err[160], pci[64];
	int ret = drv_device_check(dev, err, sizeof(err));

	if (ret != 0 && ret != -EINVAL)
		fa_die("drv_device_check: %d", ret);
	if (ret != 0) {
		if (strnlen(err, sizeof(err)) == sizeof(err))
			fa_die("drv_device_check: unterminated reason");
		return;
	}
	if (strlen(dev) >= DRV_DEVICE_MAX)
		fa_die("drv_device_check took %zu characters", strlen(dev));
	for (const char *c = dev; *c != '\0'; c++)
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c))
			fa_die("drv_device_check took a blank or control "
				"character in '%s'", dev);
	if (drv_device_pci_name(dev, pci, sizeof(pci)) == 0) {
		if (drv_device_kind(dev) != DRV_KIND_PCI || strlen(pci) != 12 ||
				pci[4] != ':' || pci[7] != ':' || pci[10] != '.')
			fa_die("drv_device_pci_name('%s') = '%s'", dev, pci);
	} else if (drv_device_kind(dev) == DRV_KIND_PCI) {
		fa_die("'%s' is PCI without a PCI name", dev);
	}
}

/*
 * The EAL argv.
 */

/* The option an argv entry is: "--name" up to '=', or "-x". */
static void
opt_name(const char *arg, char *buf, size_t len)
{
	size_t n = arg[0] == '-' && arg[1] != '-' ? 2 : strcspn(arg, "=");

	snprintf(buf, len, "%.*s", (int)n, arg);
}

static bool
refused(const char *name)
{
	static const char *const no[] = { "-d", "-l", "-c", "-s", "-S", "-h",
		"-v", "--help", "--main-lcore", "--proc-type", "--in-memory",
		"--legacy-mem", "--socket-mem", "--socket-limit",
		"--single-file-segments", "--create-uio-dev", "--vdev",
		"--allow", NULL };

	if (strncmp(name, "--trace", 7) == 0)
		return true;
	for (const char *const *p = no; *p != NULL; p++)
		if (strcmp(name, *p) == 0)
			return true;
	return false;
}

struct argv_seen {
	unsigned int prefixes, lcores, no_pci, allow;
	bool no_huge, huge_unlink, shconf, mem;
};

static void
check_arg(const struct dp_eal_argv *a, int i, const char *pci,
		struct argv_seen *s)
{
	const char *arg = a->v[i];
	char name[64];

	for (const char *c = arg; *c != '\0'; c++)
		if (!isprint((unsigned char)*c) || *c == ' ')
			fa_die("EAL argument '%s' has a blank", arg);
	opt_name(arg, name, sizeof(name));
	if (arg[0] != '-' && !(i > 1 && strcmp(a->v[i - 1], "-a") == 0))
		fa_die("EAL argument '%s' is no option", arg);
	if (refused(name))
		fa_die("EAL argv has %s ('%s')", name, arg);
	if (strcmp(name, "-a") == 0 && (pci == NULL || i + 1 >= a->argc ||
			strcmp(a->v[i + 1], pci) != 0))
		fa_die("EAL argv allows a PCI device not named (%s)",
			i + 1 < a->argc ? a->v[i + 1] : "end");
	if (strcmp(name, "--file-prefix") == 0 && (strncmp(arg + 14,
			"wspdk", 5) != 0 || strcmp(arg + 14, a->prefix) != 0))
		fa_die("EAL file prefix '%s' (recorded '%s')", arg, a->prefix);
	if (strcmp(name, "--huge-dir") == 0 && strcmp(arg + 11, HUGE_DIR))
		fa_die("EAL --huge-dir not a hugetlbfs: '%s'", arg);
	s->prefixes += strcmp(name, "--file-prefix") == 0;
	s->lcores += strcmp(name, "--lcores") == 0;
	s->no_pci += strcmp(arg, "--no-pci") == 0;
	s->allow += strcmp(name, "-a") == 0;
	s->no_huge |= strcmp(arg, "--no-huge") == 0;
	s->huge_unlink |= strcmp(name, "--huge-unlink") == 0;
	s->shconf |= strcmp(arg, "--no-shconf") == 0;
	s->mem |= strcmp(name, "-m") == 0;
}

/* "--lcores=0@(<runs>),1@c1,..." must say exactly allowed[] and cpus[]. */
static void
check_lcores(const char *arg, const uint16_t *cpus, unsigned int n)
{
	const char *p = arg + strlen("--lcores=0@(");
	unsigned int k = 0;
	char *end;

	if (strncmp(arg, "--lcores=0@(", 12) != 0)
		fa_die("last EAL argument '%s' is not --lcores", arg);
	while (*p != ')') {
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p)
			fa_die("--lcores: bad run at '%s'", p);
		p = end;
		if (*p == '-')
			hi = strtoul(p + 1, &end, 10), p = end;
		for (unsigned long c = lo; c <= hi; c++)
			if (k >= m.nallowed || m.allowed[k++] != c)
				fa_die("--lcores: CPU %lu not allowed: '%s'", c,
					arg);
		p += *p == ',';
	}
	if (k != m.nallowed)
		fa_die("--lcores: %u of %u allowed CPUs: '%s'", k, m.nallowed,
			arg);
	p++;
	for (unsigned int i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof(want), ",%u@%u", i + 1, cpus[i]);
		if (strncmp(p, want, strlen(want)) != 0)
			fa_die("--lcores: lcore %u not on CPU %u: '%s'", i + 1,
				cpus[i], arg);
		p += strlen(want);
	}
	if (*p != '\0')
		fa_die("--lcores: trailing '%s'", p);
}

static void
check_argv(const struct dp_eal_argv *a, const struct dp_conf *c,
		const uint16_t *cpus, unsigned int n)
{
	struct argv_seen s = { 0 };
	char pcibuf[64];
	const char *pci = drv_device_pci_name(c->device, pcibuf,
		sizeof(pcibuf)) == 0 ? pcibuf : NULL;

	if (a->argc < 2 || a->argc > a->max || a->v[a->argc] != NULL ||
			strcmp(a->v[0], "wspdk") != 0)
		fa_die("EAL argv: %d arguments, v[0] '%s'", a->argc, a->v[0]);
	for (int i = 1; i < a->argc; i++)
		check_arg(a, i, pci, &s);
	if (s.prefixes != 1 || s.lcores != 1 || !s.shconf ||
			(!s.no_huge && !s.huge_unlink) || (s.mem && !s.no_huge))
		fa_die("EAL argv: %u prefixes, %u --lcores, shconf %d, no-huge "
			"%d, huge-unlink %d, -m %d", s.prefixes, s.lcores,
			s.shconf, s.no_huge, s.huge_unlink, s.mem);
	/* The user may say --no-pci too; a PCI device never has it. */
	if (pci != NULL ? s.allow != 1 || s.no_pci != 0 :
			s.allow != 0 || s.no_pci == 0)
		fa_die("EAL argv: device '%s': %u -a, %u --no-pci", c->device,
			s.allow, s.no_pci);
	check_lcores(a->v[a->argc - 1], cpus, n);
}

/*
 * dp_conf: numbers from the input, the two strings, then every check.
 */
static void
fill_conf(struct dp_conf *c, struct fa_in *in, const struct fields *fl)
{
	uint8_t sel = fa_u8(in);

	dp_conf_defaults(c);
	if (fl->n > 0)
		snprintf(c->device, sizeof(c->device), "%s", fl->s[0]);
	if (fl->n > 1)
		snprintf(c->eal_args, sizeof(c->eal_args), "%s", fl->s[1]);
	if (sel & 1) {
		c->ip4 = fa_u32(in);
		c->ip4_prefix = fa_u8(in);
		c->gateway = (sel & 2) ? fa_u32(in) : 0;
	}
	if (sel & 4) {
		c->nb_mbufs = fa_u32(in);
		c->nb_rxd = fa_u16(in);
		c->nb_txd = fa_u16(in);
		c->mtu = fa_u16(in);
		c->arp_qlen = fa_u32(in);
		c->arp_reachable_ms = fa_u32(in);
		c->cleanup_ms = fa_u32(in);
	}
	c->nb_lcores = (sel >> 4) % (DP_MAX_LCORES + 1);
	for (unsigned int i = 0; i < c->nb_lcores; i++)
		c->lcore_cpus[i] = fa_u16(in) % (m.ncpu + 2);
}

static void
check_accepted(const struct dp_conf *c)
{
	uint32_t mask;

	if (c->nb_mbufs < 1023 || c->nb_rxd < 32 || c->nb_txd < 32 ||
			c->mtu < 576 || c->mtu > 9000 || c->arp_qlen < 1 ||
			c->ip4_prefix < 1 || c->ip4_prefix > 32)
		fa_die("dp_conf_check accepted a number out of range");
	mask = ~(uint32_t)0 << (32 - c->ip4_prefix);
	if (c->ip4 == 0 || (c->ip4 >> 24) == 127 || (c->ip4 >> 28) >= 14 ||
			(c->gateway != 0 && ((c->gateway & mask) !=
			(c->ip4 & mask) || c->gateway == c->ip4)))
		fa_die("dp_conf_check accepted address %08x/%u gateway %08x",
			c->ip4, c->ip4_prefix, c->gateway);
}

static void
check_conf(const struct dp_conf *c0, struct fa_in *in)
{
	char *argv_v[ARGV_MAX + 1], err[200];
	struct dp_eal_argv a = { .v = argv_v, .max = ARGV_MAX };
	char *dev = hstr(c0->device, strlen(c0->device));
	char *eal = hstr(c0->eal_args, strlen(c0->eal_args));
	uint16_t cpus[DP_MAX_LCORES];
	struct dp_conf c = *c0;
	unsigned int n;
	int ret, args_ok;

	check_device(dev);
	/* Without the device: what dp_conf_check accepts, this must. */
	args_ok = dp_eal_args_check(eal, NULL, err, sizeof(err));
	ret = dp_conf_resolve_device(&c, fa_u8(in) & 1, err, sizeof(err));
	if (ret == 0)
		ret = dp_conf_check(&c, err, sizeof(err));
	if (ret == 0) {
		check_accepted(&c);
		if (args_ok != 0)
			fa_die("dp_conf_check took EAL arguments "
				"dp_eal_args_check refuses: '%s'", eal);
		if (dp_eal_lcore_cpus(&c, cpus, &n, err, sizeof(err)) != 0)
			fa_die("dp_eal_lcore_cpus refused what dp_conf_check took");
		ret = dp_eal_argv_build(&a, &c, cpus, n, m.allowed,
			m.nallowed, err, sizeof(err));
		if (ret == 0)
			check_argv(&a, &c, cpus, n);
		else if (ret != -E2BIG && !(ret == -EINVAL && m.nallowed == 0))
			fa_die("dp_eal_argv_build refused an accepted conf (%d): "
				"%s", ret, err);
		dp_eal_argv_free(&a);
	}
	free(dev);
	free(eal);
}

/*
 * wsp_config_load, and the machine-wins rule as a metamorphic check:
 * dropping from the user's settings every key the machine sets changes
 * nothing, nor does dropping them all when the machine does not allow
 * them.
 */
static int
load(struct dp_conf *c, struct wsp_config_err *e)
{
	memset(c, 0, sizeof(*c));
	m.user_reads = 0;
	return wsp_config_load(c, e);
}

static void
check_load(void)
{
	struct wsp_config_err e1, e2;
	struct dp_conf c1, c2;
	const char **all = m.user, *none[] = { NULL };
	int r1 = load(&c1, &e1), r2, allowed;

	if (strnlen(e1.msg, sizeof(e1.msg)) == sizeof(e1.msg))
		fa_die("wsp_config_load: unterminated message");
	if (r1 == 0 && dp_conf_check(&c1, e1.msg, sizeof(e1.msg)) != 0)
		fa_die("wsp_config_load accepted what dp_conf_check refuses: %s",
			e1.msg);
	allowed = expect_allowed(m.machine);
	if (allowed != 1 && m.user_reads != 0)
		fa_die("per-user settings read although the machine does not "
			"allow them");
	if (allowed < 0) {
		if (r1 == 0)
			fa_die("wsp_config_load took a bad %s",
				WSP_SETTINGS_ALLOW_USER);
		return;
	}
	m.user = allowed == 1 ? wsp_settings_user_filter(m.machine, all) :
		none;
	r2 = load(&c2, &e2);
	if (allowed == 1)
		free(m.user);
	m.user = all;
	if (r1 != r2 || (r1 == 0 && memcmp(&c1, &c2, sizeof(c1)) != 0))
		fa_die("per-user settings changed what the machine set "
			"(%d/%d: %s | %s)", r1, r2, e1.msg, e2.msg);
}

/* The F fields, one per line, in a memfd: no file on any disk. */
static int
config_file(const struct fields *fl, char *path, size_t len)
{
	int fd = -1;

	for (unsigned int i = 2; i < fl->n; i++) {
		if (fl->s[i][0] != 'F')
			continue;
		if (fd < 0)
			fd = memfd_create("fuzz_conf", MFD_CLOEXEC);
		if (fd < 0)
			fa_die("memfd_create: %s", strerror(errno));
		if (write(fd, fl->s[i] + 1, strlen(fl->s[i] + 1)) < 0 ||
				write(fd, "\n", 1) != 1)
			fa_die("write: %s", strerror(errno));
	}
	if (fd >= 0)
		snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fa_in in = { data, size };
	char path[64];
	struct dp_conf c;
	struct fields fl;
	uint8_t mode = fa_u8(&in);
	struct fa_in nums;
	int fd;

	machine_cpus(&in);
	/* 40 bytes of numbers for the conf, then the strings. */
	nums = (struct fa_in){ in.p, in.n < 40 ? in.n : 40 };
	in.p += nums.n;
	in.n -= nums.n;
	split(&in, &fl);
	m.machine = list_of(&fl, 'M');
	m.user = list_of(&fl, 'U');
	m.env = list_of(&fl, 'E');
	fd = config_file(&fl, path, sizeof(path));
	m.config_path = fd >= 0 ? path : (mode & 1) ?
		"/nonexistent/wspdk-fuzz.conf" : NULL;

	check_settings(m.machine, m.user);
	fill_conf(&c, &nums, &fl);
	check_conf(&c, &nums);
	check_load();

	if (fd >= 0)
		close(fd);
	free(m.machine);
	free(m.user);
	free(m.env);
	for (unsigned int i = 0; i < fl.n; i++)
		free(fl.s[i]);
	return 0;
}
