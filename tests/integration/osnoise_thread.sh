#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf osnoise with a known interference: a SCHED_FIFO thread
# (tests/tools/interfere) that runs X = 1 ms of its own CPU time every
# Y = 10 ms on the probe's CPU. The noise osnoise attributes to that
# thread, per second the probe spun, is X/Y = 10 % within 10 %, and
# within 10 % of the share the thread itself measured; its preemptions
# are counted as thread noise; the % available is what the interference
# leaves (at most 100 - 0.9 X/Y, at least that less the noise of other
# sources).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2

interfere_ready --cpu 1 --prio 50 --run-us 1000 --period-us 10000 --seconds 4.5
touch "$T/go"
"$RTBPF" osnoise --cpus 1 --period 100ms --runtime 90ms --duration 3s --json >"$T/osn.out" 2>"$T/osn.err" ||
	fail "osnoise failed: $(cat "$T/osn.err")"
wait "$intf" || fail "interfere failed: $(cat "$T/intf.err")"
truth=$(tail -n 1 "$T/intf.out")
echo "interfere: $truth"
jq -c 'select(.type=="summary") | {cpu: .cpus[0] | {runtime_ns, noise_ns, available_pct,
	thread: .sources.thread}, threads: [.threads[] | {pid, comm, ns, runs}][:3]}' "$T/osn.out"

s=$(jq -s -c --argjson t "$tid" '[.[] | select(.type=="summary")][0] |
	{rt: .cpus[0].runtime_ns, noise: .cpus[0].noise_ns, avail: .cpus[0].available_pct,
	 thr: .cpus[0].sources.thread.ns,
	 me: ([.threads[] | select(.pid == $t) | .ns] | add // 0)}' "$T/osn.out")
share=$(jq -n --argjson s "$s" '$s.me / $s.rt')
own=$(echo "$truth" | jq '.cpu_ns / .wall_ns')
echo "interference share of the probe's runtime: $share (X/Y 0.1, the thread's own $own)"
jq -n -e --argjson s "$s" '($s.me / $s.rt) as $x | $x >= 0.09 and $x <= 0.11' >/dev/null ||
	fail "noise of the interfering thread is $share of the runtime, not 0.1 +- 10 %"
jq -n -e --argjson s "$s" --argjson o "$own" '($s.me / $s.rt) as $x |
	$x >= $o * 0.9 and $x <= $o * 1.1' >/dev/null ||
	fail "noise of the interfering thread ($share) not within 10 % of its own CPU share ($own)"
jq -n -e --argjson s "$s" '$s.thr >= $s.me and $s.noise >= $s.me' >/dev/null ||
	fail "the thread source or the noise is below the interfering thread's part: $s"
# what the interference leaves, less what other sources took
jq -n -e --argjson s "$s" '(100 * ($s.noise - $s.me) / $s.rt) as $other |
	$s.avail <= 100 - 9 and $s.avail >= 100 - 11 - $other' >/dev/null ||
	fail "% available $(jq -n --argjson s "$s" '$s.avail') does not match a 10 % interference: $s"
ok "the interfering thread's noise is X/Y within 10 %, the % available matches"
