#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Ground truth: wakegen wakes its pinned sleeper thread exactly N times and
# times each wake-to-run in userspace. The monitor, filtered to that thread
# (--tid), to its process (--pid) and to its name (--comm), must count those
# N wakeups, and its latencies must fit inside the userspace ones: every
# kernel interval (sched_wakeup .. sched_switch) lies within its userspace
# interval (before write() .. after read()), so the kernel's p50, min and
# max are at most the userspace ones, up to the histogram's stated
# midpoint error (1/16).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
N=2000

run_case() { # filter-kind
	local kind=$1 gen_pid sleeper filter mon_pid
	rm -f "$T/go"
	start_bg gen "$WAKEGEN" pingpong --go "$T/go" --count "$N" \
		--waker-cpu 0 --sleeper-cpu 1
	wait_line "$T/gen.out" '^ready' || fail "wakegen did not start"
	gen_pid=$(sed -n 's/^ready pid=\([0-9]*\).*/\1/p' "$T/gen.out")
	sleeper=$(sed -n 's/.*sleeper=\([0-9]*\).*/\1/p' "$T/gen.out")
	case $kind in
	tid) filter=(--tid "$sleeper") ;;
	pid) filter=(--pid "$gen_pid") ;;
	comm) filter=(--comm rtbpf-sleeper) ;;
	esac
	start_bg mon "$RTBPF" monitor "${filter[@]}" --json --interval 250ms
mon_pid=$bg_pid
	wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"
	touch "$T/go"
	wait "$gen_pid" || fail "wakegen failed"
	stop_bg "$mon_pid" INT
	[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc after SIGINT: $(cat "$T/mon.err")"
	no_progs_left || fail "BPF programs left after SIGINT"

	local user bpf
	user=$(tail -n 1 "$T/gen.out")
	bpf=$(jq -c 'select(.type=="summary") | .total' "$T/mon.out")
	[ -n "$bpf" ] || fail "no summary record"
	echo "$kind: user $user"
	echo "$kind: bpf  $bpf"
	local uw bw up50 bp50 umax bmax umin
	uw=$(jq .wakeups <<<"$user"); bw=$(jq .wakeups <<<"$bpf")
	up50=$(jq .p50_ns <<<"$user"); bp50=$(jq .p50_ns <<<"$bpf")
	umax=$(jq .max_ns <<<"$user"); bmax=$(jq .max_ns <<<"$bpf")
	umin=$(jq .min_ns <<<"$user")
	[ "$uw" = "$N" ] || fail "wakegen made $uw wakeups, not $N"
	if [ "$kind" = pid ]; then
		# the waker thread's own sleeps count too
		[ "$bw" -ge "$N" ] || fail "pid: counted $bw wakeups < $N"
	else
		[ "$bw" -ge "$N" ] || fail "$kind: counted $bw wakeups < $N"
		[ "$bw" -le $((N + 2)) ] || fail "$kind: counted $bw wakeups > $N + 2"
		# each wakeup gives a timed wait, or was of a thread that had
		# not yet left its CPU (nothing to time)
		local bs br
		bs=$(jq .samples <<<"$bpf"); br=$(jq .woken_running <<<"$bpf")
		[ $((bs + br)) -ge "$N" ] || fail "$kind: $bs samples + $br woken running < $N"
		[ $((bp50 * 16)) -le $((up50 * 17)) ] ||
			fail "$kind: kernel p50 $bp50 > userspace p50 $up50 (+1/16)"
		[ "$bp50" -gt 0 ] || fail "$kind: p50 is 0"
		[ "$bmax" -le "$umax" ] || fail "$kind: kernel max $bmax > userspace max $umax"
		local bmin
		bmin=$(jq .cpus[] "$T/mon.out" 2>/dev/null | jq -s 'map(select(.samples>0)) | map(.min_ns) | min' 2>/dev/null)
		[ "$bmin" = null ] || [ -z "$bmin" ] || [ "$bmin" -le "$umin" ] ||
			fail "$kind: kernel min $bmin > userspace min $umin"
	fi
	# every interval record carries per-CPU stats and histogram buckets
	jq -e -s 'map(select(.type=="interval")) | length > 0 and all(.cpus[0] | has("hist") and has("p99_ns") and has("preemptors"))' \
		"$T/mon.out" >/dev/null || fail "interval record lacks fields"
	ok "$kind: $bw wakeups counted for $N made; p50 $bp50 ns <= $up50 ns"
}

run_case tid
run_case pid
run_case comm
