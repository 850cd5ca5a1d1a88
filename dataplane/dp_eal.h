/* SPDX-License-Identifier: BSD-3-Clause */
/* EAL bring-up, once per process (dp_eal.c). */
#ifndef _DP_EAL_H_
#define _DP_EAL_H_

#include <stddef.h>
#include <stdint.h>

#include "dp.h"

int dp_eal_init(const struct dp_conf *conf);
int dp_eal_args_check(const char *args, char *err, size_t errlen);
int dp_eal_device(const char *args, char *device, size_t len);
int dp_eal_tokenize(const char *s, char *buf, size_t buflen, char **tok,
		int max);
int dp_eal_lcore_cpus(const struct dp_conf *conf, uint16_t *cpus,
		unsigned int *n, char *err, size_t errlen);
unsigned int dp_eal_nb_lcores(void);
unsigned int dp_eal_lcore_cpu(unsigned int i);
const char *dp_eal_prefix(void);

#endif /* _DP_EAL_H_ */
