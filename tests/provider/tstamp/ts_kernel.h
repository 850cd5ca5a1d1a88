/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's side of the timestamp tests: a plain Linux UDP socket on
 * the tap's far end (198.18.0.1), reached through plain C types because
 * the tests themselves are Winsock programs (no <sys/socket.h>).
 */
#ifndef _TS_KERNEL_H_
#define _TS_KERNEL_H_

#include <stddef.h>
#include <stdint.h>

#define TSK_IFACE	"wsptap0"
#define TSK_MAC		"02:00:c6:12:00:01"
#define TSK_CIDR	"198.18.0.1/24"
#define TSK_IP		0xc6120001u	/* 198.18.0.1 */

/* A kernel UDP socket bound to 198.18.0.1:port; fd or -1. */
int tsk_open(uint16_t port);

/* Send len bytes to ip:port (host order); 0 or -1. */
int tsk_send(int fd, uint32_t ip, uint16_t port, const void *buf, size_t len);

/* Receive one datagram, waiting up to ms; its length or -1. */
long tsk_recv(int fd, void *buf, size_t len, unsigned int ms);

void tsk_close(int fd);

#endif /* _TS_KERNEL_H_ */
