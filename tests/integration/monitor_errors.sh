#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Bad input and missing privileges: one clear line on stderr, the documented
# exit code, and nothing loaded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root

ncpu=$(nproc --all)
max_prog_id() { bpftool -j prog show 2>/dev/null | jq '[.[].id] | max // 0'; }

expect() { # code regex args...
	local code=$1 re=$2 rc before; shift 2
	before=$(max_prog_id)
	"$RTBPF" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$code" ] || fail "rtbpf $*: exit $rc, want $code ($(cat "$T/err"))"
	grep -qE "$re" "$T/err" || fail "rtbpf $*: stderr '$(cat "$T/err")' lacks /$re/"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "rtbpf $*: want one line of error, got: $(cat "$T/err")"
	# nothing loaded: no program newer than the command is left
	[ "$(bpftool -j prog show 2>/dev/null | jq --argjson b "$before" '[.[] | select(.id > $b)] | length')" = 0 ] ||
		fail "rtbpf $*: left programs loaded"
	ok "rtbpf $* -> $rc: $(head -n 1 "$T/err")"
}

expect 2 'reversed' monitor --cpus 3-1
expect 2 "bad CPU list 'abc'" monitor --cpus abc
expect 2 'too large' monitor --cpus 8192
expect 2 "CPU $ncpu does not exist" monitor --cpus "$ncpu"
expect 2 'no such process' monitor --pid 2147483646
expect 2 'no such thread' monitor --tid 2147483646
# a thread id is not a process id: --pid of one would watch nothing
thread=$(ps -eLo pid=,lwp= | awk '$1 != $2 { print $2; exit }')
[ -n "$thread" ] || fail "no multi-threaded process on this host to test with"
expect 2 "$thread is a thread of process" monitor --pid "$thread"
expect 2 "not a number" monitor --pid abc
expect 2 'bad duration' monitor --duration 5parsecs
expect 2 "monitor: --threshold: '-5' is negative: a latency must be positive" monitor --threshold -5
expect 2 'needs an argument' monitor --cpus
expect 2 "unknown option" monitor --bogus
expect 2 "unknown command" frobnicate
expect 2 "1 to 15 characters" monitor --comm 0123456789abcdefg
expect 2 "an empty name in the list" monitor --collectors ""
expect 2 "an empty name in the list" monitor --collectors sched,,irq
expect 2 "'irqs' is not one of .*; did you mean irq\?" monitor --collectors irqs
# --tid names one thread: with --pid or --comm it matches it or nothing
expect 2 "monitor: --tid cannot be combined with --pid" monitor --pid 1 --tid "$$"
expect 2 "monitor: --comm cannot be combined with --tid" monitor --tid "$$" --comm x
expect 2 "unknown option '--intervl'; did you mean --interval\?" monitor --intervl 1s
expect 2 "monitor: --interval: '5ms' is below the minimum of 10ms" monitor -i 5ms
expect 2 "monitor: --threshold: '0': must be more than 0" monitor -T 0
expect 2 "stride in .* is too large" monitor --cpus 1-2:99999999999

RTBPF_BTF_PATH=/nonexistent/vmlinux "${RTBPF_HOOKED:-$RTBPF}" monitor --count 1 >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 4 ] || fail "no BTF: exit $rc, want 4"
grep -q 'kernel lacks CONFIG_DEBUG_INFO_BTF' "$T/err" || fail "no BTF: '$(cat "$T/err")'"
[ "$(wc -l <"$T/err")" = 1 ] || fail "no BTF: want one line: $(cat "$T/err")"
ok "no kernel BTF -> 4: $(cat "$T/err")"

# Without privileges: a copy of the binary nobody can run (the build tree
# may sit under a private home directory).
command -v setpriv >/dev/null || skip "setpriv (util-linux) missing: unprivileged case not run (the others passed)"
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
mkdir -m 755 "$T/nobody"
install -m 755 "$RTBPF" "$T/nobody/rtbpf"
chmod 755 "$T"
"${nobody[@]}" "$T/nobody/rtbpf" --version >/dev/null 2>&1 ||
	fail "nobody cannot run a copy of rtbpf in $T/nobody"
"${nobody[@]}" "$T/nobody/rtbpf" monitor --count 1 >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "unprivileged monitor: exit $rc, want 1"
grep -q 'needs root or CAP_BPF+CAP_PERFMON' "$T/err" ||
	fail "unprivileged monitor: '$(cat "$T/err")'"
[ "$(wc -l <"$T/err")" = 1 ] || fail "unprivileged: want one line: $(cat "$T/err")"
ok "unprivileged -> 1: $(cat "$T/err")"
