/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_install_policy.h: wspdk-install's part of the machine policy
 * (format: wsp_policy.h), HKLM\SOFTWARE\wspdk\Policy:
 *
 *   Rules             REG_MULTI_SZ  one rule a string: what the DLL reads
 *   CreatedByInstall  REG_DWORD     what install created, so uninstall
 *                                   undoes exactly that: bit 0 the Policy
 *                                   key, bit 1 SOFTWARE\wspdk too
 *
 * The registry is reached through struct wsp_reg only, so the Linux tests
 * run this file over a fake registry that records every write
 * (tests/provider/win/test_win_policy.c); wsp_install_reg.c is the real
 * one. Keys are relative to HKLM, strings UTF-8.
 */
#ifndef _WSP_INSTALL_POLICY_H_
#define _WSP_INSTALL_POLICY_H_

#include <stdint.h>
#include <stdio.h>

#define WSP_POL_PARENT		"SOFTWARE\\wspdk"
#define WSP_POL_KEY		"SOFTWARE\\wspdk\\Policy"
#define WSP_POL_RULES		"Rules"
#define WSP_POL_CREATED		"CreatedByInstall"
#define WSP_POL_CREATED_KEY	0x1u	/* install created Policy */
#define WSP_POL_CREATED_PARENT	0x2u	/* and SOFTWARE\wspdk */

/* Each returns 0 (done / present), 1 (absent) or -1 (error, said). */
struct wsp_reg {
	int (*key_exists)(void *ctx, const char *key);
	/** 0 if the key holds neither values nor subkeys, 1 if it does. */
	int (*key_empty)(void *ctx, const char *key);
	int (*create_key)(void *ctx, const char *key);
	/** The key with everything under it. */
	int (*delete_key)(void *ctx, const char *key);
	/** REG_MULTI_SZ: *lines one malloc'd block (free(*lines)). */
	int (*get_lines)(void *ctx, const char *key, const char *name,
		char ***lines, unsigned int *n);
	int (*set_lines)(void *ctx, const char *key, const char *name,
		const char *const *lines, unsigned int n);
	int (*get_dword)(void *ctx, const char *key, const char *name,
		uint32_t *v);
	int (*set_dword)(void *ctx, const char *key, const char *name,
		uint32_t v);
	void *ctx;
};

/** Install: a "default = deny" policy unless one exists. 0 or -1. */
int wsp_pol_install(const struct wsp_reg *r, FILE *out);
/** Uninstall: remove what install recorded creating, nothing else. */
int wsp_pol_uninstall(const struct wsp_reg *r, FILE *out);
/** --policy-add: "allow PATTERN". 0, or -1 (refused or error, said). */
int wsp_pol_add(const struct wsp_reg *r, const char *pattern, FILE *out);
/** --policy-remove: its allow and deny rules. 0, 1 none, -1 error. */
int wsp_pol_remove(const struct wsp_reg *r, const char *pattern, FILE *out);
/** --policy-default allow|deny. 0 or -1. */
int wsp_pol_default(const struct wsp_reg *r, const char *value, FILE *out);
/** --policy-list. 0, or -1 if it cannot be read. */
int wsp_pol_list(const struct wsp_reg *r, FILE *out);

#endif /* _WSP_INSTALL_POLICY_H_ */
