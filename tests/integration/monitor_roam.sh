#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A wait may only span time the thread was really waiting. wakegen's
# roamer shares CPU 1 with a hog (it is preempted there: a wait starts),
# is moved to CPU 0, which the monitor does not watch, runs there for
# 300 ms, then comes back to CPU 1 and sleeps. The start of that
# preempted wait is stale once the thread has run elsewhere: no wait
# measured on CPU 1 may include the 300 ms (it once did: max 301 ms).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
AWAY_S=0.3

gen_ready roam --sleeper-cpu 1 --waker-cpu 0 --seconds "$AWAY_S" --count 20 \
	--period-us 1000
watch_gen INT --tid "$sleeper" --cpus 1 --json --interval 1h

sum=$(jq -c 'select(.type=="summary") | .cpus[] | select(.cpu==1) | {samples,wakeups,invol_switches,preempted_waits,stale_waits,max_ns}' "$T/mon.out")
echo "cpu1: $sum"
[ "$(jq .preempted_waits <<<"$sum")" -gt 0 ] || fail "the roamer was never preempted on CPU 1: nothing tested"
[ "$(jq .wakeups <<<"$sum")" -ge 20 ] || fail "fewer wakeups than the 20 sleeps on CPU 1"
# every preemption on CPU 1 started a wait that was either timed or, once
# the thread had run elsewhere, dropped as stale
inv=$(jq .invol_switches <<<"$sum")
acc=$(jq '.preempted_waits + .stale_waits' <<<"$sum")
[ "$inv" = "$acc" ] || fail "$inv preemptions on CPU 1, but $acc waits timed or dropped as stale"
[ "$(jq .stale_waits <<<"$sum")" -gt 0 ] || fail "no wait dropped as stale: the move to CPU 0 was not seen"
max=$(jq .max_ns <<<"$sum")
half=$(awk -v s="$AWAY_S" 'BEGIN { printf "%d", s * 1e9 / 2 }')
[ "$max" -lt "$half" ] || fail "a wait of $max ns includes the $AWAY_S s the thread ran on CPU 0"
ok "longest wait on CPU 1 $max ns, none spanning the $AWAY_S s run elsewhere"
