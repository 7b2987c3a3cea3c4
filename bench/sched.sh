#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Cost of the sched collector against bcc's runqlat (libbpf-tools), same run:
#  - ns per event of each BPF program (kernel.bpf_stats_enabled:
#    run_time_ns / run_cnt), under `perf bench sched pipe`;
#  - slowdown of `perf bench sched pipe` with the tool attached versus
#    nothing (stats off for those runs, rounds interleaved, median taken).
# Prints figures; asserts nothing.
set -u
RTBPF=${RTBPF:-build/bin/rtbpf}
LOOPS=${BENCH_LOOPS:-100000}
ROUNDS=${BENCH_ROUNDS:-7}
PIN_CPU=${BENCH_CPU:-0}
RUNQLAT=$(command -v runqlat || ls /usr/sbin/runqlat 2>/dev/null || true)
command -v perf >/dev/null || { echo "perf missing (linux-perf): skipped"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "needs root: skipped"; exit 0; }

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
tool_pid=
cleanup() {
	[ -n "$tool_pid" ] && kill -INT "$tool_pid" 2>/dev/null && wait "$tool_pid" 2>/dev/null
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pipe_us() { # usecs/op of one perf bench sched pipe run
	# both ends on one CPU: every op is two context switches, no IPI, so
	# the figure does not jump with task placement
	taskset -c "$PIN_CPU" perf bench sched pipe -l "$LOOPS" 2>/dev/null |
		awk '/usecs\/op/ { print $1 }'
}

prog_ids() { bpftool -j prog show 2>/dev/null | jq -r '.[].id' | sort; }

tool_ids=
tool_progs() { # "name run_cnt run_time_ns" per program the tool loaded
	local id
	for id in $tool_ids; do
		bpftool -j prog show id "$id" 2>/dev/null |
			jq -r '"\(.name) \(.run_cnt // 0) \(.run_time_ns // 0)"'
	done
}

start_tool() { # name
	local before
	before=$(prog_ids)
	case $1 in
	none) tool_pid= ; return 0 ;;
	rtbpf) "$RTBPF" monitor --json --interval 1h >/dev/null 2>&1 & ;;
	runqlat) "$RUNQLAT" 3600 1 >/dev/null 2>&1 & ;;
	esac
	tool_pid=$!
	for ((i = 0; i < 100; i++)); do
		sleep 0.05
		tool_ids=$(comm -13 <(echo "$before") <(prog_ids))
		# loaded and attached: the program count stopped growing
		[ -n "$tool_ids" ] && sleep 0.3 &&
			tool_ids=$(comm -13 <(echo "$before") <(prog_ids)) && return 0
	done
	echo "$1 did not load" >&2
	return 1
}

stop_tool() {
	[ -n "$tool_pid" ] || return 0
	kill -INT "$tool_pid" 2>/dev/null
	wait "$tool_pid" 2>/dev/null
	tool_pid=
}

tools=(none rtbpf)
[ -n "$RUNQLAT" ] && tools+=(runqlat)
declare -A runs
echo "perf bench sched pipe -l $LOOPS on CPU $PIN_CPU, $ROUNDS interleaved rounds, stats off"
sysctl -q -w kernel.bpf_stats_enabled=0
for ((r = 0; r < ROUNDS; r++)); do
	for t in "${tools[@]}"; do
		start_tool "$t" || exit 1
		runs[$t]+="$(pipe_us) "
		stop_tool
	done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
base=$(median <<<"${runs[none]}")
printf '%-10s %12s %10s\n' tool "usecs/op" slowdown
declare -A slow
for t in "${tools[@]}"; do
	m=$(median <<<"${runs[$t]}")
	slow[$t]=$(awk -v m="$m" -v b="$base" 'BEGIN { printf "%.1f", (m / b - 1) * 100 }')
	printf '%-10s %12s %9s%%\n' "$t" "$m" "${slow[$t]}"
done

echo
echo "ns per event (run_time_ns / run_cnt) under the same load, stats on;"
echo "median of $ROUNDS interleaved rounds"
sysctl -q -w kernel.bpf_stats_enabled=1
declare -A per
for ((r = 0; r < ROUNDS; r++)); do
	for t in "${tools[@]}"; do
		[ "$t" = none ] && continue
		start_tool "$t" || exit 1
		pipe_us >/dev/null
		while read -r name cnt rt; do
			[ "$cnt" -gt 0 ] || continue
			per["$t $name"]+="$(awk -v r="$rt" -v c="$cnt" 'BEGIN { printf "%.0f", r / c }') "
		done < <(tool_progs)
		stop_tool
	done
done
declare -A ns
printf '%-10s %-20s %10s   %s\n' tool program ns/event "rounds"
for k in $(printf '%s\n' "${!per[@]}" | sort | tr ' ' '|'); do
	k=${k//|/ }
	m=$(median <<<"${per[$k]}")
	printf "%-10s %-20s %10s   %s\n" "${k% *}" "${k#* }" "$m" "${per[$k]}"
	case $k in *switch*) ns[${k%% *}]=$m ;; esac
done
sysctl -q -w kernel.bpf_stats_enabled=0

if [ -n "$RUNQLAT" ] && [ -n "${ns[rtbpf]:-}" ] && [ -n "${ns[runqlat]:-}" ]; then
	echo
	awk -v a="${ns[rtbpf]}" -v b="${ns[runqlat]}" -v sa="${slow[rtbpf]}" -v sb="${slow[runqlat]}" 'BEGIN {
		printf "sched_switch cost, rtbpf / runqlat: %.2f (goal <= 0.50)\n", a / b
		if (sb > 0) printf "pipe slowdown, rtbpf / runqlat: %.2f (goal <= 0.50)\n", sa / sb
		else print "pipe slowdown of runqlat not measurable in this run"
	}'
else
	echo "runqlat (libbpf-tools) not installed: no comparison"
fi
