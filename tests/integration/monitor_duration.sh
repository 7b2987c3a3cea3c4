#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Durations at the edge of u64 ns: the largest that fit are waited out (a
# deadline or the next interval saturates instead of wrapping into the
# past, the poll timeout goes in bounded chunks), the first past the limit
# are refused with exit 2 naming the option and the limit, and decimal
# durations ("0.5s") are exact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root

# still_running NAME ARGS...: the monitor is still running 2 s after its
# start (before the fix, the deadline wrapped and it stopped at once), and
# stops cleanly on SIGINT with its summary.
still_running() {
	local name=$1
	shift
	start_bg "$name" timeout 10 "$RTBPF" monitor "$@"
	sleep 2
	kill -0 "$bg_pid" 2>/dev/null ||
		fail "monitor $* stopped within 2 s: $(tail -n 3 "$T/$name.out" "$T/$name.err")"
	stop_bg "$bg_pid" INT
	[ "$stop_rc" = 0 ] || fail "monitor $*: exit $stop_rc after SIGINT ($(cat "$T/$name.err"))"
	grep -q 'wait to run' "$T/$name.out" || fail "monitor $*: no summary"
	ok "monitor $*: still running after 2 s, stopped on SIGINT"
}

still_running d --duration 18446744073s
still_running i --interval 18446744073s --count 2
# with a spike threshold the wait goes through ring_buffer__poll()
still_running ts -T 1s --duration 18446744073s
still_running ti -T 1s --interval 18446744073.709551615s --count 2

# refused: exit 2, one line naming the option and the limit
too_large() { # OPT VALUE: a duration, or (--threshold) a latency
	local opt=$1 val=$2 rc=0 what=duration
	[ "$opt" = --threshold ] && what=latency
	"$RTBPF" monitor "$opt" "$val" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 2 ] || fail "monitor $opt $val: exit $rc, want 2"
	grep -qF -- "$opt: $what '$val' is too large (the limit is 18446744073.709551615s" "$T/err" ||
		fail "monitor $opt $val: '$(cat "$T/err")'"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "monitor $opt $val: want one line: $(cat "$T/err")"
	ok "monitor $opt $val -> 2: $(cat "$T/err")"
}
too_large --duration 18446744074s
too_large --duration 18446744073.709551616s
too_large --interval 213504d
too_large --threshold 99999999999999999999999ns

# intervals keep to their grid: 1 s of 10 ms intervals is 100 records,
# not fewer by the time each takes to read and render (it drifted to
# 11.3 ms: 88 records)
n=$(timeout 10 "$RTBPF" monitor --interval 10ms --duration 1s --json 2>"$T/grid.err" |
	grep -c '"type":"interval"')
{ [ "$n" -ge 97 ] && [ "$n" -le 101 ]; } || fail "1 s of 10 ms intervals gave $n records, not 100"
ok "1 s of 10 ms intervals: $n records"

# decimal durations: 0.5 s in intervals of 0.25 s, never shorter
start=$(date +%s%N)
timeout 10 "$RTBPF" monitor --duration 0.5s --interval 0.25s >"$T/dec.out" 2>"$T/dec.err" ||
	fail "monitor --duration 0.5s --interval 0.25s: exit $? ($(cat "$T/dec.err"))"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 500 ] || fail "monitor --duration 0.5s ended after $ms ms"
grep -q 'interval 0.25s' "$T/dec.out" || fail "header lacks 'interval 0.25s': $(head -n 1 "$T/dec.out")"
grep -qE '^\[[0-9.]+s\] interval 1$' "$T/dec.out" || fail "no interval reported"
ok "monitor --duration 0.5s --interval 0.25s: ran $ms ms"
bad=0
for v in 1. .5 1e3 -1s 1s2 1.5ns; do
	rc=0
	"$RTBPF" monitor --duration "$v" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 2 ] || { echo "monitor --duration $v: exit $rc" >&2; bad=1; }
done
[ "$bad" = 0 ] || fail "malformed durations accepted"
ok "1. .5 1e3 -1s 1s2 1.5ns refused"

# the other duration options: the same refusal, naming the option
# refused WANT-MESSAGE CMD...: exit 2 and WANT-MESSAGE on stderr
refused() {
	local want=$1 rc=0
	shift
	"$RTBPF" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 2 ] || fail "$*: exit $rc, want 2"
	grep -qF -- "$want" "$T/err" || fail "$*: '$(cat "$T/err")'"
}
refused "xsk recv: --duration: duration '18446744074s' is too large (the limit is" \
	xsk recv --dev lo --port 9 --duration 18446744074s
refused "bench e2e: --threshold: latency '213504d' is too large (the limit is" \
	bench e2e -T 213504d
ok "xsk recv --duration and bench e2e --threshold refuse past the limit"
