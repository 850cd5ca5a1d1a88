/* SPDX-License-Identifier: BSD-3-Clause */
/* The wait loop of select and WSAPoll (see wsp_wait.h). */
#include <errno.h>

#include "wsp_os.h"
#include "wsp_wait.h"

int
wsp_wait_run(const struct wsp_wait *w, int64_t timeout_us)
{
	uint64_t deadline = 0;

	if (timeout_us > 0)
		deadline = wsp_clock_us() + (uint64_t)timeout_us;
	for (;;) {
		int64_t left = timeout_us < 0 ? -1 : 0, step;
		int ret;

		if (timeout_us > 0) {
			uint64_t now = wsp_clock_us();

			left = now >= deadline ? 0 : (int64_t)(deadline - now);
		}
		w->prepare(w->ctx);
		ret = w->collect(w->ctx);
		if (ret < 0)
			return 1;
		if (ret > 0 || left == 0)
			return 0;
		step = left;
		if (w->os && (step < 0 || step > WSP_WAIT_OS_SLICE_US))
			step = WSP_WAIT_OS_SLICE_US;
		if (w->ns > 0) {
			ret = dp_sock_wait_any(w->socks, w->events, w->ns,
				step);
		} else {
			wsp_sleep_us((uint32_t)step);
			ret = -ETIMEDOUT;
		}
		if (ret == -ETIMEDOUT) {
			if (step == left)
				return 0;
			continue;
		}
		if (ret != 0 && !w->go_on(w->ctx))
			return ret;
	}
}
