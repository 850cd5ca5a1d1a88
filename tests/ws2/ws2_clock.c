/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kernel32's QueryPerformanceCounter/Frequency for the stand-in: the raw
 * monotonic clock in nanoseconds. The provider's packet timestamps use
 * the same clock on Linux (dataplane dp_os_pc), so a program compares
 * them with its own QueryPerformanceCounter reads as on Windows.
 */
#include <time.h>

#include "ws2.h"

BOOL WINAPI
QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount)
{
	struct timespec ts;

	if (lpPerformanceCount == NULL)
		return FALSE;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	lpPerformanceCount->QuadPart = (long long)ts.tv_sec * 1000000000 +
		ts.tv_nsec;
	return TRUE;
}

BOOL WINAPI
QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency)
{
	if (lpFrequency == NULL)
		return FALSE;
	lpFrequency->QuadPart = 1000000000;
	return TRUE;
}
