#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Ground truth: wakegen wakes its pinned sleeper thread exactly N times and
# times each wake-to-run in userspace. The monitor, filtered to that thread
# (--tid), to its process (--pid) and to its name (--comm), must count those
# N wakeups, and its latencies must fit inside the userspace ones: every
# kernel interval (sched_wakeup .. sched_switch) lies within its userspace
# interval (before write() .. after read()), so the kernel's p50, min and
# max are at most the userspace ones, up to the histogram's stated
# midpoint error (1/16). With --pid the waker thread's own sleeps count
# too, so the sleeper's CPU is checked on its own. The "hold" case bounds
# the p50 from below as well: the sleeper (SCHED_IDLE, sharing a CPU with
# the waker) cannot run until the waker has kept the CPU HOLD_US after each
# wakeup, so every kernel wait is at least that long. The "storage" case
# repeats "tid" with a pending-wait table of one row (pids below 64), so
# that the sleeper's waits go through the task-storage fallback (as for a
# pid beyond kernel.pid_max as it was at the start).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
N=2000
HOLD_US=200

run_case() { # filter-kind
	local kind=$1 filter n=$N extra=()
	if [ "$kind" = hold ]; then
		n=500
		extra=(--waker-cpu 1 --hold-us "$HOLD_US")
	fi
	gen_ready pingpong --count "$n" --waker-cpu 0 --sleeper-cpu 1 "${extra[@]}"
	case $kind in
	tid | hold | storage) filter=(--tid "$sleeper") ;;
	pid) filter=(--pid "$gen_pid") ;;
	comm) filter=(--comm rtbpf-sleeper) ;;
	esac
	if [ "$kind" = storage ]; then
		[ "$sleeper" -ge 64 ] || skip "sleeper pid $sleeper is in the table's one row"
		RTBPF=$RTBPF_HOOKED RTBPF_WAIT_TABLE=1 watch_gen INT "${filter[@]}" --json --interval 250ms
	else
		watch_gen INT "${filter[@]}" --json --interval 250ms
	fi

	local user bpf all
	user=$(tail -n 1 "$T/gen.out")
	all=$(jq -c 'select(.type=="summary") | .total' "$T/mon.out")
	# the sleeper runs on CPU 1 only: its figures are CPU 1's
	bpf=$(jq -c 'select(.type=="summary") | .cpus[] | select(.cpu==1)' "$T/mon.out")
	[ -n "$bpf" ] || fail "no summary record for CPU 1"
	echo "$kind: user $user"
	echo "$kind: bpf  $(jq -c 'del(.hist)' <<<"$bpf")"
	local uw bw up50 bp50 umax bmax umin bmin bs br
	uw=$(jq .wakeups <<<"$user"); bw=$(jq .wakeups <<<"$bpf")
	up50=$(jq .p50_ns <<<"$user"); bp50=$(jq .p50_ns <<<"$bpf")
	umax=$(jq .max_ns <<<"$user"); bmax=$(jq .max_ns <<<"$bpf")
	umin=$(jq .min_ns <<<"$user"); bmin=$(jq .min_ns <<<"$bpf")
	bs=$(jq .samples <<<"$bpf")
	[ "$uw" = "$n" ] || fail "wakegen made $uw wakeups, not $n"
	[ "$bw" -ge "$n" ] || fail "$kind: counted $bw wakeups on CPU 1 < $n"
	[ "$bw" -le $((n + 2)) ] || fail "$kind: counted $bw wakeups on CPU 1 > $n + 2"
	if [ "$kind" = pid ]; then
		[ "$(jq .wakeups <<<"$all")" -ge "$n" ] || fail "pid: total below CPU 1's"
	elif [ "$(jq .wakeups <<<"$all")" != "$bw" ]; then
		fail "$kind: wakeups counted on CPUs other than the sleeper's"
	fi
	# each wakeup gives a timed wait, or was of a thread that had not yet
	# left its CPU (nothing to time), or could not be stored
	local bu
	br=$(jq .woken_running <<<"$bpf"); bu=$(jq .untimed_wakeups <<<"$bpf")
	[ $((bs + br + bu)) -ge "$n" ] || fail "$kind: $bs samples + $br woken running + $bu untimed < $n"
	[ "$bu" -le 1 ] || fail "$kind: $bu wakeups untimed (want at most the sleeper's first)"
	[ $((bp50 * 16)) -le $((up50 * 17)) ] ||
		fail "$kind: kernel p50 $bp50 > userspace p50 $up50 (+1/16)"
	[ "$bp50" -gt 0 ] || fail "$kind: p50 is 0"
	# a wait after a preemption (another task took the CPU from the
	# sleeper while it ran) is timed too, but userspace never sees it
	if [ "$(jq .preempted_waits <<<"$bpf")" = 0 ]; then
		[ "$bmax" -le "$umax" ] || fail "$kind: kernel max $bmax > userspace max $umax"
	else
		echo "$kind: preempted waits timed too: max not compared"
	fi
	# a wakeup that found the sleeper still on its CPU is not timed by
	# the kernel, but userspace timed it, and short: its min is then no
	# bound
	if [ "$br" = 0 ]; then
		[ "$bmin" -le "$umin" ] || fail "$kind: kernel min $bmin > userspace min $umin"
	else
		echo "$kind: $br woken while running, untimed: min not compared"
	fi
	if [ "$kind" = hold ]; then
		[ $((bp50 * 16)) -ge $((HOLD_US * 1000 * 15)) ] ||
			fail "hold: kernel p50 $bp50 ns < the $HOLD_US us every wait lasted (-1/16)"
		ok "hold: kernel p50 $bp50 ns within [$HOLD_US us, userspace p50 $up50 ns]"
	fi
	# every interval record carries per-CPU stats and histogram buckets
	jq -e -s 'map(select(.type=="interval")) | length > 0 and all(.cpus[0] | has("hist") and has("p99_ns") and has("preemptors"))' \
		"$T/mon.out" >/dev/null || fail "interval record lacks fields"
	ok "$kind: $bw wakeups counted for $n made; p50 $bp50 ns <= $up50 ns"
}

run_case tid
run_case storage
run_case pid
run_case comm
run_case hold
