/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interned catalog entries (see wsp_pinfo.h). Sockets are made with one
 * of a handful of entries (ours, as Ws2_32 hands them to WSPSocket), so
 * the first PINFO_MAX distinct ones are kept for the process's life and
 * shared; an application passing ever new ones gets a private copy per
 * socket beyond that, freed with it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wsp_os.h"
#include "wsp_pinfo.h"

#define PINFO_MAX	16

static struct wsp_mutex lock = WSP_MUTEX_INITIALIZER;
static WSAPROTOCOL_INFOW pinfo[PINFO_MAX];	/* append-only */
static unsigned int pinfo_n;	/* written under lock, read acquire */
static const WSAPROTOCOL_INFOW none;

static bool
interned(const WSAPROTOCOL_INFOW *p)
{
	return p == &none || (p >= pinfo && p < pinfo + PINFO_MAX);
}

static const WSAPROTOCOL_INFOW *
find(const WSAPROTOCOL_INFOW *info, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (memcmp(&pinfo[i], info, sizeof(*info)) == 0)
			return &pinfo[i];
	return NULL;
}

const WSAPROTOCOL_INFOW *
wsp_pinfo_get(const WSAPROTOCOL_INFOW *info)
{
	const WSAPROTOCOL_INFOW *p;
	WSAPROTOCOL_INFOW *copy;
	unsigned int n;

	if (info == NULL)
		return &none;
	if (interned(info))	/* an accepted socket's, from its listener */
		return info;
	/* Published entries never change: no lock to find one. */
	p = find(info, __atomic_load_n(&pinfo_n, __ATOMIC_ACQUIRE));
	if (p != NULL)
		return p;
	wsp_mutex_lock(&lock);
	n = pinfo_n;
	p = find(info, n);
	if (p == NULL && n < PINFO_MAX) {
		pinfo[n] = *info;
		p = &pinfo[n];
		__atomic_store_n(&pinfo_n, n + 1, __ATOMIC_RELEASE);
	}
	wsp_mutex_unlock(&lock);
	if (p != NULL)
		return p;
	copy = malloc(sizeof(*copy));
	if (copy != NULL)
		*copy = *info;
	return copy;
}

void
wsp_pinfo_put(const WSAPROTOCOL_INFOW *p)
{
	if (p != NULL && !interned(p))
		free((void *)(uintptr_t)p);
}
