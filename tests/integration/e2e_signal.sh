#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf bench e2e interrupted mid-run (SIGINT, then SIGTERM) exits within a
# few seconds and leaves nothing behind: no namespace, veth, program, nor
# receiver or monitor child.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/e2e_common.bash
. "$(dirname "$0")/e2e_common.bash"
need_root

# SIGINT in an untuned AF_XDP cell, SIGTERM in a tuned (FIFO) UDP one.
for sig in INT TERM; do
	args=(--transport xsk --untuned)
	[ "$sig" = TERM ] && args=(--transport udp --tuned)
	e2e_progs_before
	# 100 s of events: only the signal ends this run.
	start_bg "$sig" "$RTBPF" bench e2e --events 1000000 --rate 10000 \
		"${args[@]}"
	pid=$bg_pid
	wait_line "$T/$sig.err" 'round 1 cell' 15 ||
		fail "$sig: run did not start a cell: $(cat "$T/$sig.err")"
	sleep 1.5
	ip netns list | grep -q "rtbpf-e2e-b-$pid" ||
		fail "$sig: namespace missing mid-run"
	children=$(pgrep -P "$pid" | tr '\n' ' ')
	[ -n "$children" ] || fail "$sig: no receiver or monitor child mid-run"
	start=$(date +%s%N)
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	took=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" = 1 ] || fail "$sig: exit $rc, want 1: $(cat "$T/$sig.err")"
	[ "$took" -lt 5000 ] || fail "$sig: took $took ms to exit"
	grep -q 'interrupted by signal' "$T/$sig.err" ||
		fail "$sig: no message: $(cat "$T/$sig.err")"
	# shellcheck disable=SC2086 # a list of pids
	e2e_nothing_left "$pid" $children || fail "$sig: left something behind"
	ok "SIG$sig mid-run: exit 1 after $took ms, nothing left"
done
