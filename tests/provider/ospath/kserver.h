/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kserver: a plain Linux TCP server on 127.0.0.1 (kernel sockets, its
 * own thread), for the OS path tests: what the provider's loopback
 * sockets talk to. Plain C types only: Winsock TUs include this.
 */
#ifndef _KSERVER_H_
#define _KSERVER_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ks_result {
	char got[64];		/* what the client sent, up to its EOF */
	size_t len;
	bool eof;		/* the client's FIN came */
};

/* Listen on 127.0.0.1:0 and serve one client in a thread: read what it
 * sends until reply_after bytes, answer reply, read on until EOF, close.
 * *port in host order. 0 or -1. */
int ks_start(uint16_t *port, size_t reply_after, const char *reply);

/* Wait for the thread (bounded); 0 or -1 if it did not end. */
int ks_join(struct ks_result *r);

#endif /* _KSERVER_H_ */
