#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf timerlat --threshold with a lower-priority CPU hog (SCHED_OTHER
# rtbpf-hog threads) and an interrupt source (a UDP flood across a veth
# pair between two namespaces this test creates, 198.18.0.0/15 only, sent
# from CPU 1: NET_RX softirqs run there) on the probe's CPU. The threshold
# is low (this host is a noisy VM), so reports come: every one must add up
# (parts >= 90 % of the thread latency, expiry to switch-in), start with
# the timer (its IRQ latency, an IRQ delay or timer IRQ part, a
# latency at least the threshold), and at least one must name a source
# the test made (rtbpf-hog or NET_RX) or, failing that, a named task.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
veth_netns tlr

gen_ready hog --sleeper-cpu 1 --seconds 4 --period-us 1000 --hogs 1
start_bg tl "$RTBPF" timerlat --cpus 1 --period 1ms --threshold 15us --duration 4s --json
tl=$bg_pid
wait_line "$T/tl.out" '"type":"header"' || fail "timerlat did not start: $(cat "$T/tl.err")"
touch "$T/go"
# shellcheck disable=SC2016 # expanded by the inner shell
ip netns exec "$ns_a" timeout 4 taskset -c 1 bash -c \
	'for ((i = 0; i < 20000; i++)); do printf x >/dev/udp/198.18.0.2/9; done' _ 2>/dev/null
wait "$gen_pid" || fail "wakegen failed: $(cat "$T/gen.err")"
wait "$tl" || fail "timerlat failed: $(cat "$T/tl.err")"

n=$(jq -s 'map(select(.type=="timerlat_report")) | length' "$T/tl.out")
sent=$(jq -s 'map(select(.type=="summary"))[0].reports' "$T/tl.out")
echo "reports: $n (summary says $sent)"
[ "$n" -ge 1 ] || fail "no report over 4 s with a hog and a flood at a 15us threshold"
[ "$n" = "$sent" ] || fail "$n report records, the summary counts $sent"
jq -c 'select(.type=="timerlat_report") | {latency_ns, irq_latency_ns, accounted_ns,
	parts: [.parts[] | "\(.kind):\(.comm // .name // "")"]}' "$T/tl.out" | head -n 4
# shellcheck disable=SC2016 # a jq program
badq='select(.type=="timerlat_report") |
	select(.cpu != 1 or .accounted_ns * 10 < .latency_ns * 9 or
	       .accounted_ns > .latency_ns or .latency_ns < 15000 or
	       .irq_latency_ns > .latency_ns or .expiry_ns > .irq_at_ns or
	       .run_at_ns - .expiry_ns != .latency_ns or
	       ([.parts[] | select(.kind == "irq_delay" or .kind == "timer_irq")] | length) == 0)'
bad=$(jq -s "[.[] | $badq] | length" "$T/tl.out")
jq -c "$badq" "$T/tl.out" | head -n 3 >&2
[ "$bad" = 0 ] || fail "$bad of $n reports do not add up to >= 90 % or do not start at the timer"
made=$(jq -s '[.[] | select(.type=="timerlat_report") | .parts[] |
	select(.comm == "rtbpf-hog" or .name == "NET_RX")] | length' "$T/tl.out")
named=$(jq -s '[.[] | select(.type=="timerlat_report") | .parts[] |
	select(.comm != null and .comm != "")] | length' "$T/tl.out")
echo "parts naming rtbpf-hog or NET_RX: $made; parts naming a task: $named"
[ "$made" -ge 1 ] || [ "$named" -ge 1 ] || fail "no report names a source"
[ "$made" -ge 1 ] || echo "note: no report named the test's own sources"
ok "$n reports add up to >= 90 % of the thread latency and name their sources"
