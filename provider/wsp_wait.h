/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wsp_wait.h: the one wait loop of select and WSAPoll (wsp_select.c,
 * wsp_poll.c), over dataplane sockets and OS path sockets alike.
 *
 * Each round: prepare (what each dataplane socket waits for: the events
 * it does not have yet), then collect (how many entries are ready now,
 * the OS path ones asked without waiting, wsp_ospath_ready), and if none
 * is, wait for a dataplane event. The order matters: an event between
 * prepare and collect is either collected or ends the wait at once.
 * When OS path sockets are in the set, the wait is cut in slices of
 * WSP_WAIT_OS_SLICE_US so their readiness, which no lcore reports, is
 * asked again: dataplane events still end a wait at once, OS ones within
 * a slice. (The OS provider has no wait that also wakes on our lcores'
 * events, and ours none on its sockets: slicing is the portable join.)
 */
#ifndef _WSP_WAIT_H_
#define _WSP_WAIT_H_

#include <stdbool.h>
#include <stdint.h>

#include "dp_sock.h"

#define WSP_WAIT_OS_SLICE_US	1000

struct wsp_wait {
	struct dp_sock **socks;		/* the dataplane sockets */
	unsigned int *events;		/* what each waits for */
	unsigned int ns;
	bool os;			/* OS path sockets too: slices */
	void *ctx;
	void (*prepare)(void *ctx);	/* fill events */
	int (*collect)(void *ctx);	/* ready entries, or -1: failed */
	/* A wait cut short by a close or WSPCleanup: go on waiting? */
	bool (*go_on)(void *ctx);
};

/*
 * Wait until collect finds something or timeout_us passes (< 0: never).
 * 0; -errno of the dataplane wait when go_on said no; 1 when collect
 * failed (its context says why).
 */
int wsp_wait_run(const struct wsp_wait *w, int64_t timeout_us);

#endif /* _WSP_WAIT_H_ */
