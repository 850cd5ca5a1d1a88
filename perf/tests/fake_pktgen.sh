#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A stand-in for pktgen that fails the way a real one can, so the
# runner's failure paths are tested without a generator
# (perf/tests/test_pktgen_fail.sh). FAKE_PKTGEN picks the failure:
#
#   nostart    EAL refuses to start (as with too little hugepage memory)
#   exit       runs, then exits nonzero
#   noresult   exits 0 without writing the result file (PF_OUT)
#   empty      exits 0 after writing an empty result file
#
# It never touches DPDK: no hugepages, no memif, no lcores.
case ${FAKE_PKTGEN:-nostart} in
nostart)
	echo "EAL: Not enough memory available! Requested: 1024MB, available: 864MB"
	echo "EAL: FATAL: Cannot init memory"
	exit 1 ;;
exit)
	echo "Pktgen (fake) started"
	echo "*** fake pktgen: port 0 setup failed"
	exit 3 ;;
noresult)
	echo "Pktgen (fake) started and quit"
	exit 0 ;;
empty)
	: >"${PF_OUT:?}"
	exit 0 ;;
esac
exit 99
