/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one place the dataplane's negative errno values become WSA error
 * codes (wsp_error.c). No WSAE* value appears below provider/.
 */
#ifndef _WSP_ERROR_H_
#define _WSP_ERROR_H_

/* -EINVAL (or EINVAL) -> WSAEINVAL; unknown -> WSAEINVAL, logged. */
int wsp_error_from_errno(int err);

#endif /* _WSP_ERROR_H_ */
