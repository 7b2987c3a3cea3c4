#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf osnoise: bad options exit 2 naming what is wrong and load nothing;
# a run spins each probe --runtime of every --period (its runtime within
# 10 % of that share), its records add up (the intervals to the summary,
# the sources to the noise, the % available to runtime and noise); with
# --prio the probes are SCHED_FIFO and still sleep each period; SIGINT
# ends a run with its summary, exit 0, no program and no probe left.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2

before=$(rtbpf_progs)
usage_err osnoise --period --period 0
usage_err osnoise --period --period 5s --runtime 5s
usage_err osnoise --runtime --runtime 2s
usage_err osnoise --runtime --period 100ms --runtime 100ms
usage_err osnoise --prio --prio 5 --period 10s --runtime 9s
usage_err osnoise --prio --prio 5 --period 100ms --runtime 99ms
usage_err osnoise --prio --prio 0
usage_err osnoise --prio --prio 100
usage_err osnoise --threshold --threshold 0
usage_err osnoise --threshold --threshold -5us
usage_err osnoise --cpus --cpus 4095
usage_err osnoise --cpus --cpus "$(nproc)"
usage_err osnoise --cpus --cpus 0-1:0
[ "$(rtbpf_progs)" = "$before" ] || fail "a refused run loaded programs"
ok "bad options exit 2 naming the option, nothing loaded"

start_bg run "$RTBPF" osnoise --cpus 0-1 --period 100ms --runtime 50ms --duration 2s --json
run=$bg_pid
wait_line "$T/run.out" '"type":"header"' || fail "osnoise did not start: $(cat "$T/run.err")"
ids=$(prog_ids "$run")
[ -n "$ids" ] || fail "no BPF program held by osnoise"
wait "$run" || fail "osnoise failed: $(cat "$T/run.err")"
# shellcheck disable=SC2086 # a list of ids
gone $ids || fail "BPF programs of osnoise left after a run: $ids"
jq -s -e 'map(select(.type=="header"))[0] | .command=="osnoise" and .schema>=1 and
	.runtime_ns==50000000 and .period_ns==100000000 and .policy=="other"' "$T/run.out" >/dev/null ||
	fail "no osnoise header with the run's settings"
for cpu in 0 1; do
	jq -c --argjson c "$cpu" 'select(.type=="summary") | .cpus[] | select(.cpu==$c) |
		{runtime_ns, noise_ns, available_pct, max_ns, gaps, hw_gaps}' "$T/run.out"
	# 2 s of 50 ms in every 100 ms: 20 periods (one may be cut by the
	# end; one skipped counts as late), 50 ms spun in each: a SCHED_OTHER
	# probe on a loaded CPU may start a spin late (as in rtla, that time
	# is not the probe's), never run longer
	jq -s -e --argjson c "$cpu" '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==$c)][0] |
		(.windows + .late) >= 19 and (.windows + .late) <= 21 and
		.runtime_ns <= .windows * 50000000 + 2000000 and
		.runtime_ns >= .windows * 50000000 * 0.75' "$T/run.out" >/dev/null ||
		fail "CPU $cpu: not 20 periods of 50 ms spinning in 2 s at 50 ms of 100 ms"
	# the parts add up to the noise: events, unexplained, hardware gaps
	# (an event's net time may exceed its gap's share by the clamp only)
	jq -s -e --argjson c "$cpu" '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==$c)][0] |
		(([.sources[].ns] | add) + .unexplained_ns + .hw_ns) as $parts |
		$parts >= .noise_ns and $parts <= .noise_ns * 1.01 + 1000 and
		.max_ns <= .noise_ns and .hw_gaps <= .gaps and .covered <= .gaps and
		((.available_pct - 100 * (.runtime_ns - .noise_ns) / .runtime_ns) | fabs) < 0.001' \
		"$T/run.out" >/dev/null || fail "CPU $cpu: the summary's parts do not add up"
done
jq -s -e '([.[] | select(.type=="osnoise") | .cpus[].noise_ns] | add) ==
	([.[] | select(.type=="summary") | .cpus[].noise_ns] | add) and
	([.[] | select(.type=="osnoise") | .cpus[].gaps] | add) ==
	([.[] | select(.type=="summary") | .cpus[].gaps] | add)' "$T/run.out" >/dev/null ||
	fail "interval records do not add up to the summary"
ok "runtime per period, parts adding up to the noise, records to the summary"

# the text summary: every line under 80 columns
"$RTBPF" osnoise --cpus 1 --period 100ms --runtime 50ms --duration 500ms >"$T/text.out" 2>"$T/text.err" ||
	fail "osnoise (text) failed: $(cat "$T/text.err")"
grep -q '^noise by source' "$T/text.out" || fail "no text summary: $(cat "$T/text.out")"
awk 'length > 79 { print; bad = 1 } END { exit bad }' "$T/text.out" || fail "a text line over 79 columns"
ok "the text summary fits 80 columns"

# the probe stopped (SIGSTOP, as Ctrl-Z) for 0.6 s: its own time, no noise
start_bg stop "$RTBPF" osnoise --cpus 1 --period 100ms --runtime 90ms --duration 2s --json
stop=$bg_pid
wait_line "$T/stop.out" '"type":"header"' || fail "osnoise did not start: $(cat "$T/stop.err")"
sleep 0.5
kill -STOP "$stop"
sleep 0.6
kill -CONT "$stop"
wait "$stop" || fail "osnoise failed after SIGSTOP: $(cat "$T/stop.err")"
jq -s -e '[.[] | select(.type=="summary") | .cpus[0]][0] |
	.blocked_ns >= 500000000 and .max_ns < 300000000 and
	.runtime_ns <= 1900000000 - .blocked_ns + 50000000' "$T/stop.out" >/dev/null ||
	fail "a stopped probe counted as noise: $(jq -c 'select(.type=="summary") | .cpus[0]' "$T/stop.out")"
ok "SIGSTOP: the stop is the probe's own time (blocked_ns), neither noise nor runtime"

# SCHED_FIFO probes: policy FF while they run, a short runtime each period
start_bg fifo "$RTBPF" osnoise --cpus 1 --prio 10 --period 100ms --runtime 20ms --json
fifo=$bg_pid
wait_line "$T/fifo.out" '"type":"osnoise"' 5 || fail "no interval record: $(cat "$T/fifo.err")"
ids=$(prog_ids "$fifo")
probe=$(grep -l rtbpf-osnoise "/proc/$fifo/task/"*/comm 2>/dev/null | sed 's|/comm$||; s|.*/||')
[ "$(echo "$probe" | wc -w)" = 1 ] || fail "probe threads for one CPU: '$probe'"
cls=$(ps -o cls= -L -p "$fifo" | sort | uniq -c | tr -s ' ')
chrt -p "$probe" | grep -q SCHED_FIFO || fail "probe $probe not SCHED_FIFO: $(chrt -p "$probe")"
chrt -p "$probe" | grep -q 'priority: 10' || fail "probe $probe not at priority 10"
stop_bg "$fifo" INT
[ "$stop_rc" = 0 ] || fail "osnoise exited $stop_rc after SIGINT: $(cat "$T/fifo.err")"
grep -q '"type":"summary"' "$T/fifo.out" || fail "no summary after SIGINT"
[ -e "/proc/$fifo" ] && fail "osnoise still running"
# shellcheck disable=SC2086 # a list of ids
gone $ids || fail "BPF programs of osnoise left after SIGINT: $ids"
jq -s -e '[.[] | select(.type=="summary") | .cpus[0]][0] as $s |
	[.[] | select(.type=="summary")][0].interval_ns as $d |
	$s.runtime_ns <= $d * 0.22' "$T/fifo.out" >/dev/null ||
	fail "the FIFO probe spun more than 20 % of the time: $(jq -c 'select(.type=="summary")' "$T/fifo.out")"
echo "threads by class: $cls"
ok "--prio: a SCHED_FIFO probe that sleeps 80 % of each period; SIGINT: summary, exit 0, nothing left"
