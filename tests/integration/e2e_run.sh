#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf bench e2e, short: all four cells (xsk and udp, tuned and untuned)
# complete, every event is received exactly once, each event's stages add
# up to its end-to-end time within the stated tolerance, and nothing is
# left behind: no namespace, veth, program or child process. With a
# 100 ns spike threshold every wake-up of the worker and of the receiver is
# a spike report, so both must show up, told apart by thread.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/e2e_common.bash
. "$(dirname "$0")/e2e_common.bash"
need_root

N=3000
e2e_progs_before
start_bg run "$RTBPF" bench e2e --events "$N" --warmup 200 --rate 20000 \
	--threshold 100ns --json --plot "$T/cdf.svg"
pid=$bg_pid
wait "$pid"
rc=$?
[ "$rc" = 4 ] && skip "$(tail -n 1 "$T/run.err")"
[ "$rc" = 0 ] || fail "exit $rc: $(cat "$T/run.err")"

# rec TYPE: the record of that type (jq -e on a stream is unreliable in 1.6).
rec() { jq -c --arg t "$1" 'select(.type==$t)' "$T/run.out"; }
head -n 1 "$T/run.out" | jq -e '.type == "header" and .command == "bench e2e" and
	.schema == 2 and .sum_tolerance_ns == 0' >/dev/null ||
	fail "header: $(head -n 1 "$T/run.out")"
for cell in xsk/untuned xsk/tuned udp/untuned udp/tuned; do
	rec=$(jq -c --arg c "$cell" 'select(.type=="cell" and .cell==$c)' \
		"$T/run.out")
	[ -n "$rec" ] || fail "$cell: no record"
	jq -e --argjson n "$N" '.ran and .sent == $n and .received == $n and
		.lost == 0 and .duplicates == 0 and .malformed == 0 and
		.send_errors == 0 and .ring_overflow == 0' <<<"$rec" >/dev/null ||
		fail "$cell: not exactly once: $rec"
	jq -e '.sum_mismatch == 0 and .max_sum_error_ns == 0' <<<"$rec" \
		>/dev/null || fail "$cell: stages do not add up: $rec"
	# Every stage histogram holds every received event.
	jq -e --argjson n "$N" '[.stages[] | .count == $n] | all' <<<"$rec" \
		>/dev/null || fail "$cell: stage counts: $rec"
	jq -e '.stages.end_to_end.max_ns >= .stages.end_to_end.p99_ns and
		.stages.end_to_end.p99_ns > 0' <<<"$rec" >/dev/null ||
		fail "$cell: end-to-end figures: $rec"
	jq -e '.spikes_seen > 0 and .rx_spikes_seen > 0' <<<"$rec" >/dev/null ||
		fail "$cell: monitor spikes of worker and receiver: $rec"
	ok "$cell: $N sent, $N received once, stages add up ($(jq -r \
		'.mode + ", e2e p99 " + (.stages.end_to_end.p99_ns / 1000 |
		tostring) + " us"' <<<"$rec"))"
done
rec goal | jq -e 'has("ratio")' >/dev/null || fail "no goal record"
rec system_check | jq -e '.applied == false and .argv[1] == "check" and
	(.cpus | type) == "array" and (.stages | length) > 0' >/dev/null ||
	fail "no read-only system check record: $(rec system_check)"
grep -q '<svg' "$T/cdf.svg" || fail "no SVG plot"
ok "goal record, system check and plot present"
e2e_nothing_left "$pid" || fail "left something behind"
ok "nothing left behind"
