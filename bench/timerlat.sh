#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Thread latency of rtbpf timerlat against cyclictest (rt-tests) on the
# same CPU, period and SCHED_FIFO priority, in alternating rounds of one
# run (the order flips each round): p50 and p99 of each round, their
# medians and the ratio rtbpf / cyclictest. cyclictest runs with
# --default-system (no /dev/cpu_dma_latency hold, as rtbpf timerlat) and
# -m (mlockall, as rtbpf); its percentiles come from its 1 us histogram,
# rtbpf's from its log-linear one (a bucket's midpoint: within 6.25 %).
# Then the cost of the programs timerlat adds, ns per event (run time over
# runs while tests/tools/bpf_stats_hold holds BPF statistics on through
# bpf(BPF_ENABLE_STATS); no sysctl is changed): hrtimer_expire_entry at
# every hrtimer expiry of the host, and with --threshold the sched and
# noise collectors' programs. Asserts nothing.
set -u
RTBPF=${RTBPF:-build/bin/rtbpf}
HOLD=${RTBPF_BUILD:-build}/tests/bpf_stats_hold
# shellcheck source=bench/prog_cost.bash
. "$(dirname "$0")/prog_cost.bash"
CYCLICTEST=$(command -v cyclictest || true)
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECONDS:-5}
CPU=${BENCH_CPU:-1}
PERIOD_US=${BENCH_PERIOD_US:-1000}
PRIO=${BENCH_PRIO:-95}
if [ -z "$CYCLICTEST" ]; then
	echo "cyclictest missing (rt-tests; make deps installs it): skipped"
	exit 0
fi
if [ "$(nproc)" -le "$CPU" ]; then
	echo "CPU $CPU missing: skipped (BENCH_CPU=N)"
	exit 0
fi
T=$(mktemp -d /tmp/rtbpf-bench-tl.XXXXXX)
trap 'rm -rf "$T"' EXIT

# cyclictest's histogram ("US COUNT" lines) -> "p50 p99" in us: the
# midpoint of the 1 us bucket, as rtbpf's figure is its bucket's midpoint
ct_pct() {
	awk '/^[0-9]+ [0-9]+$/ { n[$1 + 0] = $2 + 0; tot += $2 }
	     /^# Histogram Overflows/ { ovf = $4 + 0 }
	     END {
		tot += ovf; if (!tot) { print "- -"; exit }
		for (b = 0; b <= 100000; b++) {
			c += n[b]
			if (!p50 && c * 2 >= tot) p50 = b
			if (!p99 && c * 100 >= tot * 99) { p99 = b; break }
		}
		printf "%s %s\n", p50 ? p50 + 0.5 : "-", p99 ? p99 + 0.5 : ">hist"
	     }' "$1"
}

# rtbpf's summary -> "p50 p99" in us
tl_pct() {
	jq -r --argjson c "$CPU" 'select(.type=="summary") | .cpus[] |
		select(.cpu==$c) | "\(.thread.p50_ns / 1000) \(.thread.p99_ns / 1000)"' "$1"
}

# cyclictest's main thread off the measured CPU, as rtbpf's observer
MAIN=$(( CPU == 0 ? 1 : 0 ))
run_ct() {
	"$CYCLICTEST" --default-system -m -q -p "$PRIO" -i "$PERIOD_US" -a "$CPU" \
		--mainaffinity="$MAIN" \
		-t 1 -D "$SECS" -h 20000 >"$T/ct.$1" 2>/dev/null
	ct_pct "$T/ct.$1"
}

run_tl() {
	"$RTBPF" timerlat --cpus "$CPU" --period "${PERIOD_US}us" --prio "$PRIO" \
		--duration "${SECS}s" --json >"$T/tl.$1" 2>"$T/tl.err.$1" ||
		{ echo "- -"; return; }
	tl_pct "$T/tl.$1"
}

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "-") }'; }

echo "thread latency, CPU $CPU, period ${PERIOD_US} us, SCHED_FIFO $PRIO,"
echo "$ROUNDS alternating rounds of $SECS s each (us)"
printf '%-6s %-10s %8s %8s\n' round tool p50 p99
ct50="" ct99="" tl50="" tl99="" r50="" r99=""
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then order="ct tl"; else order="tl ct"; fi
	for tool in $order; do
		read -r p50 p99 < <(run_"$tool" "$r")
		if [ "$tool" = ct ]; then
			name=cyclictest ct50+=" $p50" ct99+=" $p99" c50=$p50 c99=$p99
		else
			name="rtbpf" tl50+=" $p50" tl99+=" $p99" t50=$p50 t99=$p99
		fi
		printf '%-6s %-10s %8s %8s\n' "$r" "$name" "$p50" "$p99"
	done
	# the round's own ratios: the two ran back to back
	read -r q50 q99 < <(awk -v a="$t50" -v b="$c50" -v c="$t99" -v d="$c99" 'BEGIN {
		printf "%s %s\n", (b + 0 > 0 && a ~ /^[0-9.]+$/) ? sprintf("%.3f", a / b) : "-",
			(d + 0 > 0 && c ~ /^[0-9.]+$/) ? sprintf("%.3f", c / d) : "-" }')
	r50+=" $q50" r99+=" $q99"
done
m_ct50=$(median <<<"$ct50") m_ct99=$(median <<<"$ct99")
m_tl50=$(median <<<"$tl50") m_tl99=$(median <<<"$tl99")
printf '%-6s %-10s %8s %8s\n' median cyclictest "$m_ct50" "$m_ct99"
printf '%-6s %-10s %8s %8s\n' median rtbpf "$m_tl50" "$m_tl99"
awk -v a="$m_tl50" -v b="$m_ct50" -v c="$m_tl99" -v d="$m_ct99" 'BEGIN {
	if (b + 0 > 0 && d + 0 > 0)
		printf "ratio rtbpf/cyclictest of the medians: p50 %.2f, p99 %.2f\n", a / b, c / d
}'
range() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
echo "ratio of each round's pair, median (range): p50 $(median <<<"$r50") ($(range <<<"$r50")), p99 $(median <<<"$r99") ($(range <<<"$r99"))"

if [ ! -x "$HOLD" ]; then
	echo "$HOLD missing (make tools): no per-event cost"
	exit 0
fi
for t in "" "--threshold 1s"; do
	# shellcheck disable=SC2086 # no option, or one with its value
	"$RTBPF" timerlat --cpus "$CPU" --period "${PERIOD_US}us" --prio "$PRIO" \
		--duration 8s --json $t >"$T/cost.out" 2>"$T/cost.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q '"type":"header"' "$T/cost.out" 2>/dev/null && break
		sleep 0.05
	done
	echo "per-event cost, timerlat ${t:-without --threshold} (program runs ns/run):"
	prog_cost "$pid" 3 | sort -k2 -rn | awk '{ printf "  %-28s %10s %6s\n", $1, $2, $3 }'
	wait "$pid"
done
