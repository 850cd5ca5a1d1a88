/* SPDX-License-Identifier: BSD-3-Clause */
/* wsp_install_reg.h: the real registry behind wspdk-install's policy. */
#ifndef _WSP_INSTALL_REG_H_
#define _WSP_INSTALL_REG_H_

#include "win/wsp_install_policy.h"

extern const struct wsp_reg wsp_install_reg;

#endif /* _WSP_INSTALL_REG_H_ */
