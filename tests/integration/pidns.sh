#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf in a PID namespace (a container): its tids (gettid(), /proc,
# --pid/--tid) are the namespace's, the kernel's task->pid the initial
# namespace's. The test re-runs itself as pid 1 of a new PID namespace
# with its own /proc (unshare -p -f --mount-proc), its load generators
# started there too, and checks against their ground truth:
#  1. osnoise on CPU 1 with tests/tools/interfere (X = 1 ms of CPU every
#     Y = 10 ms, SCHED_FIFO): the thread table names the interferer by
#     its namespace's tid, its share of the probe's runtime is X/Y within
#     10 % (the probe is recognised: not every gap "unexplained");
#  2. timerlat 1 s on CPU 1: the probe's timer is recognised, no_irq is
#     at most 10 % of the samples (all of them before the fix);
#  3. monitor --tid of wakegen's sleeper (pingpong, N wakeups) counts its
#     N wakeups on CPU 1 (up to 2 more, as monitor_wakeups.sh), its spike
#     reports name it by its tid and pid here; monitor --pid of wakegen
#     counts at least N.
if [ "${RTBPF_PIDNS_CHILD:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
	unshare -p -f --mount-proc true 2>/dev/null ||
		{ echo "SKIP: unshare -p -f --mount-proc unavailable"; exit 77; }
	RTBPF_PIDNS_CHILD=1 exec unshare -p -f --mount-proc bash "$0" "$@"
fi
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_cpus 2
[ "$(stat -L -c %i /proc/self/ns/pid)" != 4026531836 ] ||
	fail "still in the initial PID namespace"

# 1. osnoise: the interferer in the thread table, by its tid here
interfere_ready --cpu 1 --prio 50 --run-us 1000 --period-us 10000 --seconds 3.5
[ -e "/proc/$tid" ] || fail "interferer tid $tid not in this namespace's /proc"
touch "$T/go"
"$RTBPF" osnoise --cpus 1 --period 100ms --runtime 90ms --duration 2s --json >"$T/osn.out" 2>"$T/osn.err" ||
	fail "osnoise failed: $(cat "$T/osn.err")"
wait "$intf" || fail "interfere failed: $(cat "$T/intf.err")"
jq -c 'select(.type=="summary") | {cpu: .cpus[0] | {runtime_ns, noise_ns,
	thread: .sources.thread}, threads: [.threads[] | {pid, comm, ns}][:3]}' "$T/osn.out"
s=$(jq -s -c --argjson t "$tid" '[.[] | select(.type=="summary")][0] |
	{rt: .cpus[0].runtime_ns, me: ([.threads[] | select(.pid == $t) | .ns] | add // 0)}' "$T/osn.out")
share=$(jq -n --argjson s "$s" '$s.me / $s.rt')
jq -n -e --argjson s "$s" '($s.me / $s.rt) as $x | $x >= 0.09 and $x <= 0.11' >/dev/null ||
	fail "osnoise: interferer (tid $tid here) has $share of the runtime, not 0.1 +- 10 %"
ok "osnoise: interferer tid $tid has $share of the probe's runtime (X/Y 0.1)"

# 2. timerlat: the probe's own timer
"$RTBPF" timerlat --cpus 1 --duration 1s --json >"$T/tl.out" 2>"$T/tl.err" ||
	fail "timerlat failed: $(cat "$T/tl.err")"
tl=$(jq -c 'select(.type=="summary") | .cpus[] | select(.cpu==1) | {count, no_irq}' "$T/tl.out")
echo "timerlat: $tl"
[ -n "$tl" ] || fail "timerlat: no summary for CPU 1"
jq -e '.count >= 900 and .no_irq * 10 <= .count' <<<"$tl" >/dev/null ||
	fail "timerlat: $tl (want about 1000 samples, no_irq at most 10 %)"
ok "timerlat: probe timers recognised: $tl"

# 3. monitor --tid / --pid of a sleeper started here
N=2000
for kind in tid pid; do
	gen_ready pingpong --count "$N" --waker-cpu 0 --sleeper-cpu 1
	[ -e "/proc/$sleeper" ] || fail "sleeper tid $sleeper not in this namespace's /proc"
	if [ "$kind" = tid ]; then
		watch_gen INT --tid "$sleeper" --json --interval 250ms \
			--threshold 1us --spike-rate 5
	else
		watch_gen INT --pid "$gen_pid" --json --interval 250ms
	fi
	bw=$(jq 'select(.type=="summary") | .cpus[] | select(.cpu==1) | .wakeups' "$T/mon.out")
	uw=$(tail -n 1 "$T/gen.out" | jq .wakeups)
	echo "monitor --$kind: $bw wakeups on CPU 1, wakegen made $uw"
	[ "$uw" = "$N" ] || fail "wakegen made $uw wakeups, not $N"
	if [ -z "$bw" ] || [ "$bw" -lt "$N" ]; then
		fail "monitor --$kind: ${bw:-no} wakeups on CPU 1 < $N"
	fi
	if [ "$kind" = tid ]; then
		[ "$bw" -le $((N + 2)) ] || fail "monitor --tid: $bw wakeups on CPU 1 > $N + 2"
		# spike reports name the thread and process by their pids here
		jq -s -e --argjson t "$sleeper" --argjson p "$gen_pid" \
			'[.[] | select(.type=="spike")] | length > 0 and
			 all(.tid == $t and .pid == $p)' "$T/mon.out" >/dev/null ||
			fail "spike records do not name tid $sleeper pid $gen_pid: $(grep -m1 '"spike"' "$T/mon.out")"
	fi
	ok "monitor --$kind: $bw wakeups counted for $N made"
done
