/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kpeer: a kernel echo peer behind a route the provider does not have,
 * for the no-route decision (issue #15). The test process enters a
 * network namespace of its own (A); a child process takes a second one
 * (B); a veth pair joins them, 198.19.2.1/24 on A's end, 198.19.2.2/24
 * on B's. In B the child echoes TCP (KP_TCP_PORT: each connection's bytes
 * back, until its EOF) and UDP (KP_UDP_PORT: each datagram back to its
 * sender) and counts what it served. Nothing leaves the two namespaces:
 * A's kernel routes only 198.19.2.0/24 (and lo); wspdk's device is the
 * in-memory loop. Plain C types only: Winsock TUs include this.
 */
#ifndef _KPEER_H_
#define _KPEER_H_

#include <stdint.h>

#define KP_OUR_IP	0xc6130201u	/* 198.19.2.1: our end of the veth */
#define KP_PEER_IP	0xc6130202u	/* 198.19.2.2: the echo peer */
#define KP_TCP_PORT	7001
#define KP_UDP_PORT	7002

/* Enter namespace A, start the peer in B (call before any thread
 * exists). Prints why and returns -1 on failure. */
int kp_start(void);

/* Datagrams and TCP connections the peer has echoed so far, or -1. */
int kp_served(unsigned int *datagrams, unsigned int *connections);

/* Stop the peer (its pipe closes; it exits) and reap it, bounded. */
void kp_stop(void);

#endif /* _KPEER_H_ */
