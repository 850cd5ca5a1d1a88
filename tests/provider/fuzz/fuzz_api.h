/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_api: the API-sequence fuzzer's two halves meet here.
 *
 * fuzz_api.c is a Winsock application (tests/ws2); fuzz_api_wire.c plays
 * the far end of the provider's "pair:" device with DPDK. wsp_abi.h and
 * the BSD/DPDK network headers cannot share a translation unit, so this
 * header speaks plain C only.
 *
 * Threading: everything runs on libFuzzer's thread, except what the
 * provider's lcores and service thread do behind the Winsock calls.
 */
#ifndef _FUZZ_API_H_
#define _FUZZ_API_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_in.h"

#define FA_RING		"fapi"		/* WSPDK_DEVICE=pair:fapi */
#define FA_IP		0xc6120002u	/* 198.18.0.2/24: the provider */
#define FA_PEER		0xc6120001u	/* .1: gateway, static ARP */
#define FA_OTHER	0xc6120007u	/* .7: answers ARP */
#define FA_SILENT	0xc61200c9u	/* .201: never answers ARP */
#define FA_BCAST	0xc61200ffu
#define FA_MCAST	0xef010203u	/* 239.1.2.3 */
#define FA_OFFNET	0x0a010203u	/* 10.1.2.3: through the gateway */
#define FA_LOOPBACK	0x7f000001u	/* 127.0.0.1: the OS path */

/* One of the addresses above, chosen by v (FA_LOOPBACK only if
 * fa_ospath_on: FUZZ_API_OSPATH is set). */
extern bool fa_ospath_on;
uint32_t fa_addr_pick(uint8_t v);

/* Enter a network namespace of our own (before any thread). */
void fa_netns_enter(void);

/* fuzz_api_wire.c: the far end. Each returns 0 or aborts the process. */

/*
 * Find the pair rings, the port's MAC and the pool (after WSAStartup),
 * and the provider's accounting hooks in the loaded provider.
 */
void fa_wire_init(const char *provider_path, unsigned int nb_queues);

/*
 * Take what the provider sent off the wire: answer ARP for the subnet
 * (but FA_SILENT), keep the newest UDP datagram for ICMP quotes, free.
 */
void fa_wire_pump(void);

/*
 * Build one frame from the input (UDP to one of ports[], an ICMP error
 * quoting what we sent, ARP, an echo request, or junk) in a heap buffer
 * of exactly its length and put it on the wire.
 */
void fa_wire_inject(struct fa_in *in, const uint16_t *ports,
		unsigned int nports);

/* The mbufs the provider holds now are its idle state. */
void fa_wire_set_baseline(void);

/*
 * Wait (pumping) until the wire is empty and the provider holds no more
 * mbufs than at the baseline plus frames waiting for ARP; false with why
 * filled if ms pass first.
 */
bool fa_wire_settle(unsigned int ms, char *why, size_t len);

#endif /* _FUZZ_API_H_ */
