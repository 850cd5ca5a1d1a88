/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uk: the kernel side of the UDP interop tests (tests/provider/udp_kernel).
 *
 * The tests are Winsock programs (ws2.h), which must not see
 * <sys/socket.h>; everything that touches the kernel's own sockets or
 * processes lives in uk_*.c translation units (or in the python peers) and
 * is reached through this header, which uses plain C types only.
 */
#ifndef _UK_H_
#define _UK_H_

#include <stddef.h>
#include <stdint.h>

/* Addresses of the tap wire (testbed.md layout A, 198.18.0.0/15 only). */
#define UK_IFACE	"wsptap0"
#define UK_KERNEL_MAC	"02:00:c6:12:00:01"
#define UK_KERNEL_CIDR	"198.18.0.1/24"
#define UK_KERNEL_IP	"198.18.0.1"
#define UK_PROVIDER_IP	"198.18.0.2"
/* On the subnet, and nobody answers ARP for it. */
#define UK_SILENT_IP	"198.18.0.99"

/* ---- child processes with line pipes (uk_proc.c) ---- */

/*
 * A child whose stdin and stdout are pipes to us (stderr is inherited).
 * Every child runs under coreutils' timeout, so it cannot outlive its
 * budget even if we die; uk_child_end() reaps it (SIGKILL by its PID only
 * if it is still running past the given grace).
 */
struct uk_child;

/* Start argv[0] (searched in PATH) under `timeout -k 2 <secs>`. */
struct uk_child *uk_child_start(unsigned int secs, const char *const argv[]);

/* Write one line (a '\n' is added). Returns 0 or -1. */
int uk_child_say(struct uk_child *c, const char *line);

/*
 * Read the next line the child prints (without its '\n'), waiting up to
 * ms. Returns 0, or -1 on timeout or end of file.
 */
int uk_child_hear(struct uk_child *c, char *buf, size_t len, unsigned int ms);

/*
 * Read lines until one starts with prefix (others are echoed to stderr
 * for the log), waiting up to ms in all. Returns 0 or -1.
 */
int uk_child_expect(struct uk_child *c, const char *prefix, char *buf,
		size_t len, unsigned int ms);

/*
 * Close its stdin, wait up to ms for it to exit, kill it by PID if it did
 * not. Returns its exit status (0..255), or -1 if it had to be killed.
 */
int uk_child_end(struct uk_child *c, unsigned int ms);

/* Path of a file next to the test sources (the python peers). */
const char *uk_src(const char *name);

/* ---- kernel figures (uk_kernel.c) ---- */

/* A field of /proc/net/snmp ("Ip", "ReasmOKs"); 0 if absent. */
uint64_t uk_snmp(const char *proto, const char *field);

/* A counter of <if> in /proc/net/dev ("tx_dropped", ...); 0 if absent. */
uint64_t uk_if_stat(const char *ifname, const char *name);

#endif /* _UK_H_ */
