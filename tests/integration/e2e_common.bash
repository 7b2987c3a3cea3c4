# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# Sourced by tests/integration/e2e_*.sh after tests/lib.sh: what
# `rtbpf bench e2e` must leave behind (nothing) once it has exited.

command -v jq >/dev/null || skip "jq missing"
command -v ip >/dev/null || skip "iproute2 missing"
command -v bpftool >/dev/null || skip "bpftool missing"

# e2e_progs_before: remembers the BPF program ids loaded now.
e2e_progs_before() {
	bpftool -j prog show 2>/dev/null | jq -r '.[].id' | sort >"$T/progs.before"
}

# e2e_nothing_left PID [CHILD...]: no namespace of PID, no process of the
# run alive, and no program loaded since e2e_progs_before that is held by
# nothing (pinned or linked) or by the run's processes.
e2e_nothing_left() {
	local pid=$1 p i new
	shift
	ip netns list | grep -E "rtbpf-e2e-[ab]-$pid( |$)" &&
		{ echo "namespace of $pid left" >&2; return 1; }
	for p in "$pid" "$@"; do
		kill -0 "$p" 2>/dev/null && { echo "process $p alive" >&2; return 1; }
	done
	for ((i = 0; i < 60; i++)); do
		new=$(bpftool -j prog show 2>/dev/null | jq -r --argjson run \
			"[$(printf '%s,' "$pid" "$@" | sed 's/,$//')]" \
			'.[] | select(((.pids // []) | length) == 0 or
				any((.pids // [])[]; .pid as $p | $run | index($p)))
			| .id' | sort | comm -13 "$T/progs.before" -)
		[ -z "$new" ] && return 0
		sleep 0.05
	done
	echo "programs left: $new" >&2
	bpftool prog show >&2
	return 1
}
