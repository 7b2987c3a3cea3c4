#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The sched skeleton loads and attaches on this kernel, sees scheduling on
# every watched CPU while a load runs, reports per --count and --duration,
# and leaves nothing loaded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
[ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF"

start_bg mon "$RTBPF" monitor --json --interval 200ms --duration 1s
mon_pid=$bg_pid
# keep both CPUs switching
for c in 0 1; do
	# shellcheck disable=SC2016 # expanded by the inner shell
	taskset -c "$c" bash -c 'for _ in $(seq 300); do sleep 0.001; done' &
done
for ((i = 0; i < 40; i++)); do
	[ "$(rtbpf_progs)" -ge 3 ] && break
	sleep 0.05
done
loaded=$(rtbpf_progs)
wait "$mon_pid"
rc=$?
wait
[ "$rc" = 0 ] || fail "monitor exited $rc: $(cat "$T/mon.err")"
[ "$loaded" -ge 3 ] || fail "expected 3 programs loaded, saw $loaded"
no_progs_left || fail "programs left after --duration"
n=$(jq -s 'map(select(.type=="interval")) | length' "$T/mon.out")
{ [ "$n" -ge 4 ] && [ "$n" -le 6 ]; } || fail "--duration 1s at 200ms gave $n intervals"
jq -e -s 'map(select(.type=="header"))[0] | .schema == 3 and .command == "monitor" and (.cpus | length) > 0 and has("kernel") and has("libbpf")' \
	"$T/mon.out" >/dev/null || fail "bad header record"
w=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | .wakeups] | min' "$T/mon.out")
[ "$w" -gt 0 ] || fail "a watched CPU saw no wakeups"
ok "3 programs loaded, $n intervals, every CPU saw wakeups, all unloaded"
