#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Sourced by the probe benchmarks (timerlat.sh, osnoise.sh).
# prog_cost PID SECONDS: BPF statistics held on for SECONDS by $HOLD
# (tests/tools/bpf_stats_hold: bpf(BPF_ENABLE_STATS), off again when it
# exits; no sysctl changed), then "name run_cnt ns/run" of each program
# process PID holds (from its fds' fdinfo) that ran meanwhile.
prog_cost() {
	local ids id
	ids=$(grep -h '^prog_id:' "/proc/$1/fdinfo/"* 2>/dev/null | awk '{ print $2 }' | sort -u)
	"$HOLD" "$2" >/dev/null || return
	for id in $ids; do
		bpftool -j prog show id "$id" 2>/dev/null | jq -r 'select(.run_cnt > 0) |
			"\(.name) \(.run_cnt) \(.run_time_ns / .run_cnt | floor)"'
	done
}
