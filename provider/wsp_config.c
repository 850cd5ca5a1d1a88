/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration: WSPDK_* keys from the OS's settings store (on Windows
 * the registry: HKLM\SOFTWARE\wspdk, and HKCU's only where HKLM allows it
 * and only for keys HKLM leaves unset, wsp_settings.c), then an optional
 * file (WSPDK_CONFIG, one KEY=VALUE per line, '#' comments), then the
 * environment; a later source wins. The file and the environment come
 * last on purpose: whoever sets a process's environment already controls
 * that process.
 * Every value is parsed and checked here and in dp_conf_check() before
 * anything reaches EAL; a bad one fails WSPStartup with WSASYSNOTREADY and
 * a log line naming the key, where it came from and what was wrong.
 *
 * Unknown WSPDK_* names are errors too: a misspelt key silently ignored
 * is a production incident waiting to happen.
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp.h"
#include "wsp_config.h"
#include "wsp_inet.h"
#include "wsp_os.h"
#include "wsp_settings.h"

#define LINE_MAX_LEN	2048

typedef int (*key_parse_fn)(struct dp_conf *c, const char *v, char *err,
		size_t errlen);

static int
parse_u32(const char *v, uint32_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > UINT32_MAX)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int
copy_str(char *dst, size_t len, const char *v, char *err, size_t errlen)
{
	if (strlen(v) >= len) {
		snprintf(err, errlen, "longer than %zu characters", len - 1);
		return -1;
	}
	snprintf(dst, len, "%s", v);
	return 0;
}

static int
key_device(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	return copy_str(c->device, sizeof(c->device), v, err, errlen);
}

static int
key_eal_args(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	return copy_str(c->eal_args, sizeof(c->eal_args), v, err, errlen);
}

static int
key_fault(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	return copy_str(c->fault, sizeof(c->fault), v, err, errlen);
}

static int
key_ipv4(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	const char *end;
	uint32_t prefix;

	if (wsp_inet_parse4(v, &c->ip4, &end) != 0 || *end != '/' ||
			parse_u32(end + 1, &prefix) != 0 || prefix > 32) {
		snprintf(err, errlen, "expected a.b.c.d/prefix");
		return -1;
	}
	c->ip4_prefix = (uint8_t)prefix;
	return 0;
}

static int
key_gateway(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	const char *end;

	if (v[0] == '\0' || strcmp(v, "none") == 0) {
		c->gateway = 0;
		return 0;
	}
	if (wsp_inet_parse4(v, &c->gateway, &end) != 0 || *end != '\0') {
		snprintf(err, errlen, "expected a.b.c.d or none");
		return -1;
	}
	return 0;
}

static int
key_static_arp(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	char mac[32];
	const char *p = v, *end;
	size_t n;

	c->nb_static_arp = 0;
	while (*p != '\0') {
		struct dp_neigh *e;

		if (c->nb_static_arp == DP_STATIC_ARP_MAX) {
			snprintf(err, errlen, "more than %d entries",
				DP_STATIC_ARP_MAX);
			return -1;
		}
		e = &c->static_arp[c->nb_static_arp];
		if (wsp_inet_parse4(p, &e->ip, &end) != 0 || *end != '=')
			goto bad;
		p = end + 1;
		n = strcspn(p, ",");
		if (n >= sizeof(mac))
			goto bad;
		memcpy(mac, p, n);
		mac[n] = '\0';
		if (wsp_inet_parse_mac(mac, e->mac) != 0 || (e->mac[0] & 1))
			goto bad;
		c->nb_static_arp++;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
bad:
	snprintf(err, errlen, "entry %u: expected IP=MAC with a unicast MAC "
		"(aa:bb:cc:dd:ee:ff)", c->nb_static_arp + 1);
	return -1;
}

static int
key_lcores(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	char buf[256], *tok, *save = NULL;

	if (copy_str(buf, sizeof(buf), v, err, errlen) != 0)
		return -1;
	c->nb_lcores = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
			tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		uint32_t lo, hi;

		if (dash != NULL)
			*dash = '\0';
		if (parse_u32(tok, &lo) != 0 || (dash != NULL &&
				parse_u32(dash + 1, &hi) != 0))
			goto bad;
		if (dash == NULL)
			hi = lo;
		if (hi < lo || hi > UINT16_MAX)
			goto bad;
		for (uint32_t cpu = lo; cpu <= hi; cpu++) {
			if (c->nb_lcores == DP_MAX_LCORES) {
				snprintf(err, errlen, "more than %d lcores",
					DP_MAX_LCORES);
				return -1;
			}
			c->lcore_cpus[c->nb_lcores++] = (uint16_t)cpu;
		}
	}
	if (c->nb_lcores == 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "expected a CPU list such as 1 or 1,3 or 2-3");
	return -1;
}

#define KEY_U32(fn, field, max)						\
static int								\
fn(struct dp_conf *c, const char *v, char *err, size_t errlen)		\
{									\
	uint32_t n;							\
									\
	if (parse_u32(v, &n) != 0 || n > (max)) {			\
		snprintf(err, errlen, "expected a number up to %llu",	\
			(unsigned long long)(max));			\
		return -1;						\
	}								\
	c->field = n;							\
	return 0;							\
}

KEY_U32(key_mbufs, nb_mbufs, UINT32_MAX)
KEY_U32(key_rxd, nb_rxd, UINT16_MAX)
KEY_U32(key_txd, nb_txd, UINT16_MAX)
KEY_U32(key_mtu, mtu, UINT16_MAX)
KEY_U32(key_cleanup_ms, cleanup_ms, UINT32_MAX)
KEY_U32(key_arp_qlen, arp_qlen, UINT32_MAX)
KEY_U32(key_arp_reachable_ms, arp_reachable_ms, UINT32_MAX)
KEY_U32(key_mc_groups, mc_groups, UINT32_MAX)
KEY_U32(key_sockets, sockets, UINT32_MAX)
KEY_U32(key_reass_max, reass_max, UINT32_MAX)
KEY_U32(key_reass_timeout_ms, reass_timeout_ms, UINT32_MAX)
KEY_U32(key_reass_memory, reass_memory, UINT32_MAX)

static int
key_spin_us(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	uint32_t n;

	if (strcmp(v, "forever") == 0) {
		c->spin_us = -1;
		return 0;
	}
	if (parse_u32(v, &n) != 0 || n > 10000000) {
		snprintf(err, errlen, "expected microseconds (0..10000000) "
			"or forever");
		return -1;
	}
	c->spin_us = (int32_t)n;
	return 0;
}

static int
key_profile(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "latency") == 0) {
		/* Blocking calls never sleep, and a spinning thread runs
		 * its socket's lcore loop itself unless WSPDK_RTC says. */
		c->spin_us = -1;
		if (c->rtc < 0)
			c->rtc = 1;
		if (c->lcore_sleep_us < 0)
			c->lcore_sleep_us = 0;
		/* An order burst after a quiet spell leaves at once. */
		if (c->tcp_idle_restart < 0)
			c->tcp_idle_restart = 0;
		return 0;
	}
	if (strcmp(v, "default") == 0)
		return 0;
	snprintf(err, errlen, "expected latency or default");
	return -1;
}

static int
key_tso(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n > 65535 ||
			(n > 1 && n < 536)) {
		snprintf(err, errlen, "expected 0 (off), 1 (on) or a burst "
			"of 536..65535 bytes");
		return -1;
	}
	c->tso = (uint32_t)n;
	return 0;
}

/* A switch: "0" or "1" into *out. */
static int
parse_switch(const char *v, int8_t *out, char *err, size_t errlen)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		snprintf(err, errlen, "expected 0 or 1");
		return -1;
	}
	*out = (int8_t)(v[0] - '0');
	return 0;
}

static int
key_rtc(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	return parse_switch(v, &c->rtc, err, errlen);
}

/* Default 0 (never): a port without an fd to sleep on (NICs, memif)
 * would take up to DP_LCORE_SLEEP_NOFD_US longer to see the first frame
 * after a quiet spell, so sleeping is the user's choice, for throughput
 * on few cores (dataplane/README.md). */
static int
key_lcore_sleep_us(struct dp_conf *c, const char *v, char *err,
		size_t errlen)
{
	uint32_t n;

	if (parse_u32(v, &n) != 0 || n > 10000000) {
		snprintf(err, errlen, "expected microseconds (0..10000000), "
			"0 = never sleep");
		return -1;
	}
	c->lcore_sleep_us = (int32_t)n;
	return 0;
}

/* Default on, as RFC 5681 §4.1 and Linux; off, a burst after a quiet
 * spell (an order flow's) goes out at the cwnd the connection had. */
static int
key_tcp_idle_restart(struct dp_conf *c, const char *v, char *err,
		size_t errlen)
{
	return parse_switch(v, &c->tcp_idle_restart, err, errlen);
}

static int
key_log_level(struct dp_conf *c, const char *v, char *err, size_t errlen)
{
	static const char *const names[] = {
		[DP_LOG_ERR] = "err", [DP_LOG_WARNING] = "warning",
		[DP_LOG_NOTICE] = "notice", [DP_LOG_INFO] = "info",
		[DP_LOG_DEBUG] = "debug",
	};
	uint32_t n;

	for (int i = DP_LOG_ERR; i <= DP_LOG_DEBUG; i++) {
		if (strcmp(v, names[i]) == 0) {
			c->log_level = i;
			return 0;
		}
	}
	if (parse_u32(v, &n) == 0 && n >= DP_LOG_ERR && n <= DP_LOG_DEBUG) {
		c->log_level = (int)n;
		return 0;
	}
	snprintf(err, errlen, "expected err, warning, notice, info or debug");
	return -1;
}

static const struct config_key {
	const char *name;
	key_parse_fn parse;
} keys[] = {
	{ "WSPDK_DEVICE", key_device },
	{ "WSPDK_EAL_ARGS", key_eal_args },
	{ "WSPDK_FAULT", key_fault },
	{ "WSPDK_IPV4", key_ipv4 },
	{ "WSPDK_GATEWAY", key_gateway },
	{ "WSPDK_STATIC_ARP", key_static_arp },
	{ "WSPDK_LCORES", key_lcores },
	{ "WSPDK_MBUFS", key_mbufs },
	{ "WSPDK_RXD", key_rxd },
	{ "WSPDK_TXD", key_txd },
	{ "WSPDK_MTU", key_mtu },
	{ "WSPDK_SPIN_US", key_spin_us },
	{ "WSPDK_PROFILE", key_profile },
	{ "WSPDK_RTC", key_rtc },
	{ "WSPDK_LCORE_SLEEP_US", key_lcore_sleep_us },
	{ "WSPDK_TSO", key_tso },
	{ "WSPDK_TCP_IDLE_RESTART", key_tcp_idle_restart },
	{ "WSPDK_CLEANUP_MS", key_cleanup_ms },
	{ "WSPDK_ARP_QLEN", key_arp_qlen },
	{ "WSPDK_ARP_REACHABLE_MS", key_arp_reachable_ms },
	{ "WSPDK_MC_GROUPS", key_mc_groups },
	{ "WSPDK_SOCKETS", key_sockets },
	{ "WSPDK_REASS_MAX_DATAGRAMS", key_reass_max },
	{ "WSPDK_REASS_TIMEOUT_MS", key_reass_timeout_ms },
	{ "WSPDK_REASS_MEMORY", key_reass_memory },
	{ "WSPDK_LOG_LEVEL", key_log_level },
};

/* Names in the WSPDK_ namespace that are not provider keys. */
static const char *const foreign_keys[] = {
	"WSPDK_CONFIG",		/* names the file itself */
	"WSPDK_PROVIDER",	/* the Ws2_32 stand-in's provider path */
	"WSPDK_ACCELERATE",	/* the policy's per-process switch */
	"WSPDK_POLICY_FILE",	/* the policy file, POSIX (tests) */
};

static const struct config_key *
find_key(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == len &&
				strncmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

static bool
is_foreign(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(foreign_keys) / sizeof(foreign_keys[0]);
			i++)
		if (strlen(foreign_keys[i]) == len &&
				strncmp(foreign_keys[i], name, len) == 0)
			return true;
	return false;
}

static int
apply(struct dp_conf *c, const struct config_key *k, const char *v,
		const char *where, struct wsp_config_err *e)
{
	char why[160];

	if (k->parse(c, v, why, sizeof(why)) == 0)
		return 0;
	snprintf(e->msg, sizeof(e->msg), "%s=\"%s\" (%s): %s", k->name, v,
		where, why);
	return -EINVAL;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	/* Values may be quoted to keep blanks, e.g. WSPDK_EAL_ARGS. */
	if (end - s >= 2 && (*s == '"' || *s == '\'') && end[-1] == *s) {
		end[-1] = '\0';
		s++;
	}
	return s;
}

static int
load_file(struct dp_conf *c, const char *path, bool *device_given,
		struct wsp_config_err *e)
{
	char line[LINE_MAX_LEN + 2], where[64];
	const struct config_key *k;
	FILE *f = fopen(path, "r");
	unsigned int lineno = 0;
	int ret = 0;

	if (f == NULL) {
		snprintf(e->msg, sizeof(e->msg), "WSPDK_CONFIG=\"%s\": cannot "
			"be read: %s", path, strerror(errno));
		return -EINVAL;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *name;

		lineno++;
		snprintf(where, sizeof(where), "%.40s line %u", path, lineno);
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(e->msg, sizeof(e->msg), "%s: longer than %d "
				"characters", where, LINE_MAX_LEN);
			ret = -EINVAL;
			break;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(e->msg, sizeof(e->msg), "%s: expected "
				"KEY=VALUE", where);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		name = trim(s);
		k = find_key(name, strlen(name));
		if (k == NULL) {
			snprintf(e->msg, sizeof(e->msg), "%s: unknown key "
				"\"%s\"", where, name);
			ret = -EINVAL;
			break;
		}
		*device_given |= k->parse == key_device;
		ret = apply(c, k, trim(eq + 1), where, e);
	}
	fclose(f);
	return ret;
}

/* NAME=VALUE strings (the environment, the registry); names outside
 * WSPDK_* (AllowUserSettings, the rest of the environment) skipped. */
static int
load_pairs(struct dp_conf *c, const char *const *env, const char *where,
		bool *device_given, struct wsp_config_err *e)
{
	const struct config_key *k;

	for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
		const char *var = env[i], *eq = strchr(var, '=');
		size_t len;

		if (strncmp(var, "WSPDK_", 6) != 0 || eq == NULL)
			continue;
		len = (size_t)(eq - var);
		k = find_key(var, len);
		if (k == NULL) {
			if (is_foreign(var, len))
				continue;
			snprintf(e->msg, sizeof(e->msg), "unknown key \"%.*s\" "
				"in the %s", (int)len, var, where);
			return -EINVAL;
		}
		*device_given |= k->parse == key_device;
		if (apply(c, k, eq + 1, where, e) != 0)
			return -EINVAL;
	}
	return 0;
}

static int
settings_unreadable(const char *where, struct wsp_config_err *e)
{
	snprintf(e->msg, sizeof(e->msg), "the %s cannot be read", where);
	return -EINVAL;
}

/* The OS store: the machine's settings, then the user's that apply. */
static int
load_settings(struct dp_conf *c, bool *device_given,
		struct wsp_config_err *e)
{
	const char *const *machine, *const *user;
	const char **user_apply;
	const char *where;
	char why[160];
	int allowed, ret;

	if (wsp_os_settings(WSP_OS_MACHINE, &machine, &where) != 0)
		return settings_unreadable(where, e);
	allowed = wsp_settings_user_allowed(machine, why, sizeof(why));
	if (allowed < 0) {
		snprintf(e->msg, sizeof(e->msg), "%s (%s)", why, where);
		return -EINVAL;
	}
	if (load_pairs(c, machine, where, device_given, e) != 0)
		return -EINVAL;
	if (allowed == 0)
		return 0;
	if (wsp_os_settings(WSP_OS_USER, &user, &where) != 0)
		return settings_unreadable(where, e);
	user_apply = wsp_settings_user_filter(machine, user);
	if (user_apply == NULL) {
		snprintf(e->msg, sizeof(e->msg), "out of memory");
		return -EINVAL;
	}
	ret = load_pairs(c, user_apply, where, device_given, e);
	free(user_apply);
	return ret;
}

int
wsp_config_load(struct dp_conf *c, struct wsp_config_err *e)
{
	const char *path = wsp_getenv("WSPDK_CONFIG");
	bool device_given = false;
	char why[200];

	e->msg[0] = '\0';
	dp_conf_defaults(c);
	if (load_settings(c, &device_given, e) != 0)
		return -EINVAL;
	if (path != NULL && path[0] != '\0' &&
			load_file(c, path, &device_given, e) != 0)
		return -EINVAL;
	if (load_pairs(c, wsp_environ(), "environment", &device_given,
			e) != 0)
		return -EINVAL;
	if (dp_conf_resolve_device(c, device_given, why, sizeof(why)) != 0 ||
			dp_conf_check(c, why, sizeof(why)) != 0) {
		snprintf(e->msg, sizeof(e->msg), "%s", why);
		return -EINVAL;
	}
	return 0;
}
