#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A watched thread woken while a CPU hog (SCHED_OTHER, bounded) holds its
# CPU: the spike reports must name the hog as the largest part, the parts
# must add up to the wait (at least 90 %), and the counts of reports sent,
# rate-limited and lost must match the records received.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2

gen_ready hog --sleeper-cpu 1 --seconds 3 --period-us 1000 --sleeper-nice 19
# CLOCK_MONOTONIC now, in ns (the kernel's own "now at" line).
mono() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
t0=$(mono)
watch_gen INT --tid "$sleeper" --cpus 1 --threshold 100us --json --interval 500ms
t1=$(mono)

n=$(jq -s 'map(select(.type=="spike")) | length' "$T/mon.out")
sent=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | .spikes] | add' "$T/mon.out")
echo "spike records: $n, reported sent: $sent"
[ "$n" -ge 1 ] || fail "no spike report over 3 s of a hog sharing the CPU"
[ "$n" = "$sent" ] || fail "$n spike records but $sent counted as sent"
jq -c 'select(.type=="spike") | {latency_ns, accounted_ns, top: .parts[0]}' "$T/mon.out" | head -n 5
# every report adds up; the hog is named first in at least one, and where
# it is, it covers most of the wait (other load on the machine may cause
# spikes of its own: those name their cause, whatever it is)
bad=$(jq -s '[.[] | select(.type=="spike") |
	select(.cpu != 1 or .tid != '"$sleeper"' or
	       .accounted_ns * 10 < .latency_ns * 9)] | length' "$T/mon.out")
[ "$bad" = 0 ] || fail "$bad of $n spike reports are not of the sleeper on CPU 1 or account for < 90 %"
# Its CLOCK_MONOTONIC stamps fall inside the monitor's run and span the
# latency.
if [ -z "$t0" ] || [ -z "$t1" ]; then fail "no CLOCK_MONOTONIC reading from /proc/timer_list"; fi
bad=$(jq -s --argjson t0 "$t0" --argjson t1 "$t1" '[.[] | select(.type=="spike") |
	select(.wait_start_ns < $t0 or .run_at_ns > $t1 or
	       .run_at_ns - .wait_start_ns != .latency_ns)] | length' "$T/mon.out")
[ "$bad" = 0 ] || fail "$bad spike reports stamped outside [$t0, $t1] or not spanning their latency"
hog=$(jq -s '[.[] | select(.type=="spike" and .parts[0].comm == "rtbpf-hog")] | length' "$T/mon.out")
[ "$hog" -ge 1 ] || fail "no spike report names rtbpf-hog first"
share=$(jq -s '[.[] | select(.type=="spike" and .parts[0].comm == "rtbpf-hog") |
	.parts[0].ns / .latency_ns] | min' "$T/mon.out")
jq -e -n "$share >= 0.5" >/dev/null || fail "the hog covers only $share of a wait it caused"
acc=$(jq -s '[.[] | select(.type=="spike") | .accounted_ns / .latency_ns] | min' "$T/mon.out")
ok "$n spike reports, $hog name rtbpf-hog first (smallest share $share); smallest accounted $acc"
