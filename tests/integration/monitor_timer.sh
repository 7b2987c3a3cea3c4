#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Timer lateness in the monitor: a watched thread that sleeps 1 ms at a
# time with nanosleep (its own hrtimer) N times (then with epoll_wait
# timeouts, then reading a periodic timerfd) gets, on its CPU, a timer
# figure for (nearly) every sleep (and no more than its wakeups), each at least that sleep's wait (it
# starts at the expiry, before the wakeup); --collectors without timer
# gives none.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2

gen_ready hog --sleeper-cpu 1 --seconds 2 --period-us 1000 --hogs 0
watch_gen INT --tid "$sleeper" --cpus 1 --json --interval 500ms
sleeps=$(sed -n 's/.*"sleeps":\([0-9]*\).*/\1/p' "$T/gen.out")
jq -c 'select(.type=="summary") | .cpus[] | select(.cpu==1) |
	{wakeups, wait_p50: .p50_ns, timer}' "$T/mon.out"
n=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1) |
	.timer.count // 0] | add // 0' "$T/mon.out")
w=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1) |
	.wakeups] | add // 0' "$T/mon.out")
echo "sleeps: $sleeps, timer samples: $n, wakeups: $w"
# its waits for the go file sleep on timers too: at most every wakeup
{ [ "$n" -ge $((sleeps * 9 / 10)) ] && [ "$n" -le "$w" ]; } ||
	fail "$n timer samples for $sleeps sleeps and $w wakeups"
jq -s -e '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1)][0] |
	.timer.p50_ns >= .p50_ns and .timer.min_ns >= .min_ns' "$T/mon.out" >/dev/null ||
	fail "timer lateness below the wait it contains"
ok "a timer figure for $n of $sleeps sleeps, each at least its wait"

# the same through an epoll timeout (a sleeper's hrtimer too) and a
# periodic timerfd (its callback wakes the reader)
for via in epoll timerfd; do
	gen_ready hog --sleeper-cpu 1 --seconds 1 --period-us 1000 --hogs 0 --sleep "$via"
	watch_gen INT --tid "$sleeper" --cpus 1 --json --interval 500ms
	sleeps=$(sed -n 's/.*"sleeps":\([0-9]*\).*/\1/p' "$T/gen.out")
	n=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1) |
		.timer.count // 0] | add // 0' "$T/mon.out")
	w=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1) |
		.wakeups] | add // 0' "$T/mon.out")
	echo "$via: sleeps: $sleeps, timer samples: $n, wakeups: $w"
	{ [ "$n" -ge $((sleeps * 9 / 10)) ] && [ "$n" -le "$w" ]; } ||
		fail "$via: $n timer samples for $sleeps sleeps and $w wakeups"
	jq -s -e '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1)][0] |
		.timer.p50_ns >= .p50_ns and .timer.min_ns >= .min_ns' "$T/mon.out" >/dev/null ||
		fail "$via: timer lateness below the wait it contains"
	ok "$via: a timer figure for $n of $sleeps sleeps, each at least its wait"
done

gen_ready hog --sleeper-cpu 1 --seconds 1 --period-us 1000 --hogs 0
watch_gen INT --tid "$sleeper" --cpus 1 --json --collectors sched
jq -s -e '[.[] | select(.type=="summary") | .cpus[] | select(has("timer"))] | length == 0' \
	"$T/mon.out" >/dev/null || fail "a timer figure without the timer collector"
ok "--collectors sched: no timer figure"
