#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared by the BPF benchmarks (sourced): start a tool, find the programs
# it loaded, read their kernel.bpf_stats figures, interleave rounds, take
# medians. The sourcing script defines tool_cmd NAME (runs the tool in the
# foreground; "none" runs nothing) and a load function.
set -u
RTBPF=${RTBPF:-build/bin/rtbpf}
ROUNDS=${BENCH_ROUNDS:-7}
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "needs root: skipped"; exit 0; }

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
tool_pid=
tool_ids=
bench_cleanup() {
	[ -n "$tool_pid" ] && kill -INT "$tool_pid" 2>/dev/null && wait "$tool_pid" 2>/dev/null
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
}
trap bench_cleanup EXIT
trap 'exit 1' INT TERM

prog_ids() { bpftool -j prog show 2>/dev/null | jq -r '.[].id' | sort; }

# "name run_cnt run_time_ns" per program the running tool loaded
tool_progs() {
	local id
	for id in $tool_ids; do
		bpftool -j prog show id "$id" 2>/dev/null |
			jq -r '"\(.name) \(.run_cnt // 0) \(.run_time_ns // 0)"'
	done
}

start_tool() { # name
	local before i k now
	[ "$1" = none ] && { tool_pid=; tool_ids=; return 0; }
	before=$(prog_ids)
	tool_cmd "$1" >/dev/null 2>&1 &
	tool_pid=$!
	for ((i = 0; i < 100; i++)); do
		sleep 0.05
		tool_ids=$(comm -13 <(echo "$before") <(prog_ids))
		[ -n "$tool_ids" ] || continue
		# loaded and attached: wait until no program appears for 0.3 s
		# (a tool of several processes loads them one after another)
		for ((k = 0; k < 20; k++)); do
			sleep 0.3
			now=$(comm -13 <(echo "$before") <(prog_ids))
			[ "$now" = "$tool_ids" ] && return 0
			tool_ids=$now
		done
		return 0
	done
	echo "$1 did not load" >&2
	return 1
}

# SIGINT to the tool and, for a tool of several processes started from a
# subshell, to that shell's children
stop_tool() {
	[ -n "$tool_pid" ] || return 0
	pkill -INT -P "$tool_pid" 2>/dev/null
	kill -INT "$tool_pid" 2>/dev/null
	wait "$tool_pid" 2>/dev/null
	tool_pid=
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# per_event LOAD TOOL...: fills per["tool prog"] with ns/event of each
# round (stats on), then prints the medians.
declare -A per
per_event() {
	local load=$1 r t name cnt rt k m
	shift
	sysctl -q -w kernel.bpf_stats_enabled=1
	for ((r = 0; r < ROUNDS; r++)); do
		for t in "$@"; do
			start_tool "$t" || exit 1
			"$load" >/dev/null
			while read -r name cnt rt; do
				[ "$cnt" -gt 0 ] || continue
				per["$t $name"]+="$(awk -v r="$rt" -v c="$cnt" 'BEGIN { printf "%.0f", r / c }') "
			done < <(tool_progs)
			stop_tool
		done
	done
	sysctl -q -w kernel.bpf_stats_enabled=0
	printf '%-10s %-28s %9s   %s\n' tool program ns/event "rounds"
	for k in $(printf '%s\n' "${!per[@]}" | sort | tr ' ' '|'); do
		k=${k//|/ }
		m=$(median <<<"${per[$k]}")
		printf "%-10s %-28s %9s   %s\n" "${k% *}" "${k#* }" "$m" "${per[$k]}"
	done
}

# per_med TOOL PROG: median ns/event of that program, or empty
per_med() { [ -n "${per["$1 $2"]:-}" ] && median <<<"${per["$1 $2"]}"; }
# per_best TOOL PROG: its best (lowest) round, or empty
per_best() { [ -n "${per["$1 $2"]:-}" ] && tr ' ' '\n' <<<"${per["$1 $2"]}" | grep . | sort -g | head -n 1; }
