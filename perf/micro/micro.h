/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the in-process micro benchmarks (fanout, rxpath) share: options,
 * a driven engine on a pair port, the 64-byte UDP frame they feed the
 * stack, a median, and a fatal error. Include after dp.h and the header
 * that declares dp_start_driven.
 */
#ifndef _MICRO_H_
#define _MICRO_H_

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#define MICRO_IP4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static inline void
micro_die(const char *prog, const char *what, int err)
{
	fprintf(stderr, "%s: %s failed (%d)\n", prog, what, err);
	exit(1);
}

/*
 * Ethernet + IPv4 + UDP with 22 bytes of payload, a 64-byte frame, from
 * 198.18.0.1:9 to dst:dport at dmac; its UDP checksum summed or, as
 * testpmd txonly sends it, none.
 */
static inline void
micro_udp_frame(uint8_t *f, uint32_t dst, const struct rte_ether_addr *dmac,
		uint16_t dport, uint8_t ttl, bool sum_udp)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t plen = 64 - sizeof(*eh) - sizeof(*ip) - sizeof(*udp);

	memset(f, 0, 64);
	eh->dst_addr = *dmac;
	eh->src_addr = (struct rte_ether_addr){ .addr_bytes = { 2, 0, 0xc6,
		0x12, 0, 1 } };
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) +
		sizeof(*udp) + plen));
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(MICRO_IP4(198, 18, 0, 1));
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = RTE_BE16(9);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + plen));
	udp->dgram_cksum = sum_udp ? rte_ipv4_udptcp_cksum(ip, udp) : 0;
}

/* The options every micro benchmark takes. */
struct micro_opts {
	unsigned int rounds;		/* --rounds N (10 at least) */
	bool no_huge;			/* --no-huge */
	bool udp_cksum;			/* --udp-cksum, where taken */
	char prefix[64];		/* --file-prefix P */
};

/* Parse argv into o (rounds preset by the caller); --udp-cksum only if
 * cksum_opt. */
static inline void
micro_parse(const char *prog, int argc, char **argv, struct micro_opts *o,
		bool cksum_opt)
{
	snprintf(o->prefix, sizeof(o->prefix), "wspdk%s%ld", prog,
		(long)getpid());
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			o->rounds = (unsigned int)atoi(argv[++i]);
		else if (cksum_opt && strcmp(argv[i], "--udp-cksum") == 0)
			o->udp_cksum = true;
		else if (strcmp(argv[i], "--no-huge") == 0)
			o->no_huge = true;
		else if (strcmp(argv[i], "--file-prefix") == 0 && i + 1 < argc)
			snprintf(o->prefix, sizeof(o->prefix), "%s", argv[++i]);
		else
			micro_die(prog, argv[i], -EINVAL);
	}
	if (o->rounds < 10)
		o->rounds = 10;
}

/* A driven engine on "pair:<prog>" (its wire: rings <prog>_in/_out). */
static inline struct dp_engine *
micro_start(const char *prog, const struct micro_opts *o)
{
	struct dp_engine *eng;
	struct dp_conf c;

	dp_conf_defaults(&c);
	snprintf(c.eal_args, sizeof(c.eal_args), "%s--no-telemetry "
		"--file-prefix=%s", o->no_huge ? "--no-huge -m 512 " : "",
		o->prefix);
	snprintf(c.device, sizeof(c.device), "pair:%s", prog);
	c.nb_mbufs = 16383;
	c.log_level = DP_LOG_ERR;
	eng = dp_start_driven(&c);
	if (eng == NULL)
		micro_die(prog, "dp_start_driven", -1);
	return eng;
}

/* The median of v[0..n) (reordered; n is small: a partial selection). */
static inline double
micro_median(double *v, unsigned int n)
{
	for (unsigned int i = 0; i <= n / 2; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (v[j] < v[i]) {
				double t = v[i];

				v[i] = v[j];
				v[j] = t;
			}
	return v[n / 2];
}

#endif /* _MICRO_H_ */
