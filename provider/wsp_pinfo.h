/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The catalog entry each socket was made with (SO_PROTOCOL_INFOW), kept
 * once per distinct entry instead of a 628-byte copy in every socket.
 */
#ifndef _WSP_PINFO_H_
#define _WSP_PINFO_H_

#include "wsp_abi.h"

/* A stable copy of info (NULL: an all-zero entry) for a new socket, or
 * NULL if out of memory. Give it back with wsp_pinfo_put(). */
const WSAPROTOCOL_INFOW *wsp_pinfo_get(const WSAPROTOCOL_INFOW *info);

/* The socket that had p is gone. */
void wsp_pinfo_put(const WSAPROTOCOL_INFOW *p);

#endif /* _WSP_PINFO_H_ */
