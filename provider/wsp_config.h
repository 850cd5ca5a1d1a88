/* SPDX-License-Identifier: BSD-3-Clause */
/* Configuration keys -> struct dp_conf (wsp_config.c). */
#ifndef _WSP_CONFIG_H_
#define _WSP_CONFIG_H_

#include <stdbool.h>

#include "dp.h"

struct wsp_config_err {
	char msg[512];
};

/*
 * Fill c from the defaults, the OS's settings store (machine-wide, then
 * per-user where the machine allows it: wsp_settings.h), the WSPDK_CONFIG
 * file and the environment, and check it completely. Returns 0, or -EINVAL with e->msg saying which
 * key, from where, and why.
 */
int wsp_config_load(struct dp_conf *c, struct wsp_config_err *e);

#endif /* _WSP_CONFIG_H_ */
