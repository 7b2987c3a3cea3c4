#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Shared helpers for shell tests: sourced, never run. Exit 77 = skip.
set -u
RTBPF=${RTBPF:-build/bin/rtbpf}
RTBPF_BUILD=${RTBPF_BUILD:-build}
# the test build (hooks compiled in): runs that set RTBPF_FAULT* & co.
RTBPF_HOOKED=${RTBPF_HOOKED:-$RTBPF_BUILD/tests/rtbpf}
# shellcheck disable=SC2034 # used by the tests that source this
WAKEGEN=$RTBPF_BUILD/tests/wakegen
T=$(mktemp -d /tmp/rtbpf-test.XXXXXX)
_pids=()

_cleanup() {
	local p
	for p in "${_pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	sleep 0.2
	for p in "${_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }
need_cpus() { [ "$(nproc)" -ge "$1" ] || skip "needs $1 CPUs"; }

# Count of our BPF programs loaded right now.
rtbpf_progs() {
	bpftool prog show 2>/dev/null | grep -cE 'name (sched_|irq_|softirq_|ipi_|page_fault_|local_timer_|reschedule_|call_function|hrtimer_|osn_)' || true
}

# wait_line FILE REGEX [SECONDS]: until a line of FILE matches.
wait_line() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# free_port: a free loopback TCP port (none listens on it), not one
# handed out before in this test (remembered in a file: $(free_port)
# runs in a subshell).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		grep -qx "$p" "$T/.ports" 2>/dev/null && continue
		ss -Htln "sport = :$p" | grep -q . && continue
		echo "$p" >>"$T/.ports"
		echo "$p"
		return
	done
}

# start_bg NAME CMD...: runs CMD in the background, output in $T/NAME.out
# and $T/NAME.err; its pid in $bg_pid.
bg_pid=
start_bg() {
	local name=$1
	shift
	# emptied here, before the fork: a wait_line that follows must not
	# find the previous run's lines before the child opens the files
	: >"$T/$name.out"
	: >"$T/$name.err"
	"$@" >>"$T/$name.out" 2>>"$T/$name.err" &
	bg_pid=$!
	_pids+=("$bg_pid")
}

# stop_bg PID [SIG]: signal and wait; its exit code in $stop_rc.
stop_rc=
stop_bg() {
	kill -"${2:-INT}" "$1" 2>/dev/null
	wait "$1"
	# shellcheck disable=SC2034 # read by the tests
	stop_rc=$?
}

# Programs are freed shortly after their last fd closes (RCU): wait for it.
no_progs_left() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$(rtbpf_progs)" = 0 ] && return 0
		sleep 0.05
	done
	bpftool prog show >&2
	return 1
}

# usage_err CMD WANT ARGS...: rtbpf CMD ARGS exits 2 and its stderr
# says WANT (the option named).
usage_err() {
	local cmd=$1 want=$2 rc
	shift 2
	"$RTBPF" "$cmd" "$@" >"$T/usage.out" 2>"$T/usage.err"
	rc=$?
	[ "$rc" = 2 ] || fail "$cmd $* exited $rc, not 2"
	grep -q -- "$want" "$T/usage.err" || fail "$cmd $*: '$want' not in: $(cat "$T/usage.err")"
}

# The ids of the BPF programs process $1 holds, from its fds' fdinfo
# (other tests on the host load programs of the same names: only these
# must go).
prog_ids() {
	grep -h '^prog_id:' "/proc/$1/fdinfo/"* 2>/dev/null | awk '{ print $2 }' | sort -u
}
# gone IDS...: none of the programs is loaded any more (freed after RCU)
gone() {
	local i id left
	for ((i = 0; i < 60; i++)); do
		left=0
		for id in "$@"; do
			bpftool prog show id "$id" >/dev/null 2>&1 && left=1
		done
		[ "$left" = 0 ] && return 0
		sleep 0.05
	done
	return 1
}

# ready_bg NAME TOOL ARGS...: start_bg NAME of a load generator that
# waits for $T/go (TOOL ARGS --go $T/go), then its ready line; its pid
# in $bg_pid.
ready_bg() {
	local name=$1
	shift
	rm -f "$T/go"
	start_bg "$name" "$@" --go "$T/go"
	wait_line "$T/$name.out" '^ready' ||
		fail "${1##*/} did not start: $(cat "$T/$name.err")"
}

# gen_ready MODE WAKEGEN-ARGS...: starts tests/tools/wakegen; its pid in
# $gen_pid, its sleeper thread in $sleeper.
gen_ready() {
	ready_bg gen "$WAKEGEN" "$@"
	gen_pid=$bg_pid
	# shellcheck disable=SC2034 # read by the tests that source this
	sleeper=$(sed -n 's/.*sleeper=\([0-9]*\).*/\1/p' "$T/gen.out")
}

# interfere_ready INTERFERE-ARGS...: starts tests/tools/interfere; its
# pid in $intf, its thread's tid in $tid.
interfere_ready() {
	ready_bg intf "$RTBPF_BUILD/tests/interfere" "$@"
	# shellcheck disable=SC2034 # read by the tests that source this
	intf=$bg_pid
	# shellcheck disable=SC2034
	tid=$(sed -n 's/.*tid=\([0-9]*\).*/\1/p' "$T/intf.out")
}

# watch_gen SIG MONITOR-ARGS...: starts rtbpf monitor, lets wakegen go once
# the monitor is attached, waits for wakegen, then stops the monitor with
# SIG: it must end with 0 and leave no program loaded.
watch_gen() {
	local sig=$1 mon_pid
	shift
	start_bg mon "$RTBPF" monitor "$@"
	mon_pid=$bg_pid
	wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"
	touch "$T/go"
	wait "$gen_pid" || fail "wakegen failed: $(cat "$T/gen.err")"
	stop_bg "$mon_pid" "$sig"
	[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc after SIG$sig: $(cat "$T/mon.err")"
	no_progs_left || fail "BPF programs left after SIG$sig"
}

# veth_netns TAG: two network namespaces, $ns_a and $ns_b, joined by a
# veth pair (veth0 198.18.0.1/30 in a, veth1 198.18.0.2/30 in b), both
# removed on exit; skips when namespaces cannot be made.
veth_netns() {
	command -v ip >/dev/null || skip "iproute2 missing"
	ns_a=rtbpf-$1-a-$$
	ns_b=rtbpf-$1-b-$$
	trap 'ip netns del "$ns_a" 2>/dev/null; ip netns del "$ns_b" 2>/dev/null; _cleanup' EXIT
	{ ip netns add "$ns_a" && ip netns add "$ns_b"; } || skip "cannot create network namespaces"
	ip link add veth0 netns "$ns_a" type veth peer name veth1 netns "$ns_b" ||
		fail "cannot create the veth pair"
	ip -n "$ns_a" addr add 198.18.0.1/30 dev veth0
	ip -n "$ns_b" addr add 198.18.0.2/30 dev veth1
	ip -n "$ns_a" link set veth0 up
	ip -n "$ns_b" link set veth1 up
}
