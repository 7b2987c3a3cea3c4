#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf timerlat: bad options exit 2 naming the option; a 3 s run gives
# each CPU's probe one sample per period (within 10 %, the periods it
# overran counted), an IRQ latency never above the thread latency
# (violations 0) and fewer IRQ samples than thread samples; SIGINT ends a
# run with its summary, exit 0, no program and no probe thread left.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2

usage_err timerlat --period --period 0
usage_err timerlat --prio --prio 0
usage_err timerlat --prio --prio 100
usage_err timerlat --cpus --cpus 4095
usage_err timerlat --cpus --cpus "$(nproc)"
ok "bad options exit 2 naming the option"

start_bg run "$RTBPF" timerlat --cpus 0-1 --period 1ms --duration 3s --json
run=$bg_pid
wait_line "$T/run.out" '"type":"header"' || fail "timerlat did not start: $(cat "$T/run.err")"
ids=$(prog_ids "$run")
[ -n "$ids" ] || fail "no BPF program held by timerlat"
wait "$run" || fail "timerlat failed: $(cat "$T/run.err")"
# shellcheck disable=SC2086 # a list of ids
gone $ids || fail "BPF programs of timerlat left after a run: $ids"
jq -s -e 'map(select(.type=="header"))[0] | .command=="timerlat" and .schema>=1' "$T/run.out" >/dev/null ||
	fail "no timerlat header"
for cpu in 0 1; do
	jq -c --argjson c "$cpu" 'select(.type=="summary") | .cpus[] | select(.cpu==$c) |
		{count, overruns, no_irq, violations, irq: .irq.count,
		 irq_p99: .irq.p99_ns, thr_p99: .thread.p99_ns}' "$T/run.out"
	# one sample per period: overrun periods count as samples not taken
	n=$(jq -s --argjson c "$cpu" '[.[] | select(.type=="summary") | .cpus[] |
		select(.cpu==$c) | .count + .overruns] | add // 0' "$T/run.out")
	{ [ "$n" -ge 2700 ] && [ "$n" -le 3030 ]; } ||
		fail "CPU $cpu: $n samples and overruns in 3 s at 1 ms (want 3000 +- 10 %)"
	v=$(jq -s --argjson c "$cpu" '[.[] | select(.type=="summary") | .cpus[] |
		select(.cpu==$c) | .violations] | add // -1' "$T/run.out")
	[ "$v" = 0 ] || fail "CPU $cpu: $v samples with IRQ latency above thread latency"
	jq -s -e --argjson c "$cpu" '[.[] | select(.type=="summary") | .cpus[] |
		select(.cpu==$c)][0] | .irq.count <= .count and .irq.count >= .count * 0.9 and
		.irq.max_ns <= .thread.max_ns and .irq.min_ns <= .thread.min_ns' "$T/run.out" >/dev/null ||
		fail "CPU $cpu: IRQ figures inconsistent with the thread's"
done
# the interval records add up to the summary
jq -s -e '([.[] | select(.type=="timerlat") | .cpus[].count] | add) ==
	([.[] | select(.type=="summary") | .cpus[].count] | add)' "$T/run.out" >/dev/null ||
	fail "interval records do not add up to the summary"
ok "one sample per period per CPU, IRQ latency <= thread latency in every sample"

start_bg tl "$RTBPF" timerlat --cpus 1 --json
tl=$bg_pid
wait_line "$T/tl.out" '"type":"timerlat"' 5 || fail "no interval record: $(cat "$T/tl.err")"
ids=$(prog_ids "$tl")
probes=$(grep -l rtbpf-timerlat "/proc/$tl/task/"*/comm 2>/dev/null | wc -l)
[ "$probes" = 1 ] || fail "$probes probe threads for one CPU"
stop_bg "$tl" INT
[ "$stop_rc" = 0 ] || fail "timerlat exited $stop_rc after SIGINT: $(cat "$T/tl.err")"
grep -q '"type":"summary"' "$T/tl.out" || fail "no summary after SIGINT"
[ -e "/proc/$tl" ] && fail "timerlat still running"
# shellcheck disable=SC2086 # a list of ids
gone $ids || fail "BPF programs of timerlat left after SIGINT: $ids"
ok "SIGINT: summary, exit 0, nothing left"
