#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf osnoise's cost: the ns per run and the runs per second of each of
# its programs over BENCH_SECONDS (8) of a probe on BENCH_CPU (1), with
# BPF statistics held on by tests/tools/bpf_stats_hold; then what the
# probe saw. Asserts nothing; changes no sysctl.
set -u
RTBPF=${RTBPF:-build/bin/rtbpf}
HOLD=${RTBPF_BUILD:-build}/tests/bpf_stats_hold
# shellcheck source=bench/prog_cost.bash
. "$(dirname "$0")/prog_cost.bash"
SECS=${BENCH_SECONDS:-8}
CPU=${BENCH_CPU:-1}
[ "$(id -u)" = 0 ] || { echo "needs root: skipped"; exit 0; }
[ -x "$HOLD" ] || { echo "$HOLD missing (make tools): skipped"; exit 0; }
if [ "$(nproc)" -le "$CPU" ]; then
	echo "CPU $CPU missing: skipped (BENCH_CPU=N)"
	exit 0
fi
T=$(mktemp -d /tmp/rtbpf-bench-osn.XXXXXX)
trap 'rm -rf "$T"' EXIT

"$RTBPF" osnoise --cpus "$CPU" --duration "$((SECS + 2))s" --json >"$T/out" 2>"$T/err" &
pid=$!
for ((i = 0; i < 100; i++)); do
	grep -q '"type":"header"' "$T/out" 2>/dev/null && break
	sleep 0.05
done
echo "per-event cost of rtbpf osnoise's programs over ${SECS} s, probe on CPU $CPU:"
printf '  %-28s %10s %8s %8s\n' program runs runs/s ns/run
prog_cost "$pid" "$SECS" | sort -k2 -rn |
	awk -v s="$SECS" '{ printf "  %-28s %10s %8.0f %8s\n", $1, $2, $2 / s, $3 }'
wait "$pid" || { echo "osnoise failed: $(cat "$T/err")"; exit 1; }
jq -r 'select(.type=="summary") | .cpus[] |
	"probe: runtime \(.runtime_ns / 1e9) s, noise \(.noise_ns / 1e3) us (\(100 - .available_pct) %), " +
	"\(.gaps) gaps, \(.covered) of them >= 90 % explained, \(.hw_gaps) without an event"' "$T/out"
