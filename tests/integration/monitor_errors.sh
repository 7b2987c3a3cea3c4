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
	[ "$(wc -l <"$T/err")" -le 2 ] || fail "rtbpf $*: more than a line of error"
	# nothing loaded: no program newer than the command is left
	[ "$(bpftool -j prog show 2>/dev/null | jq --argjson b "$before" '[.[] | select(.id > $b)] | length')" = 0 ] ||
		fail "rtbpf $*: left programs loaded"
	ok "rtbpf $* -> $rc: $(head -n 1 "$T/err")"
}

expect 2 'reversed' monitor --cpus 3-1
expect 2 "bad CPU list 'abc'" monitor --cpus abc
expect 2 'too large' monitor --cpus 4096
expect 2 "CPU $ncpu does not exist" monitor --cpus "$ncpu"
expect 2 'no such process' monitor --pid 2147483646
expect 2 'no such thread' monitor --tid 2147483646
expect 2 "not a number" monitor --pid abc
expect 2 'bad duration' monitor --duration 5parsecs
expect 2 'needs an argument' monitor --cpus
expect 2 "unknown option" monitor --bogus
expect 2 "unknown command" frobnicate
expect 2 "1 to 15 characters" monitor --comm 0123456789abcdefg

RTBPF_BTF_PATH=/nonexistent/vmlinux "$RTBPF" monitor --count 1 >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 4 ] || fail "no BTF: exit $rc, want 4"
grep -q 'kernel lacks CONFIG_DEBUG_INFO_BTF' "$T/err" || fail "no BTF: '$(cat "$T/err")'"
ok "no kernel BTF -> 4: $(cat "$T/err")"

nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
if ! command -v setpriv >/dev/null; then
	echo "note: no setpriv; unprivileged case not run"
elif ! "${nobody[@]}" "$RTBPF" --version >/dev/null 2>&1; then
	echo "note: $RTBPF not executable by nobody here; unprivileged case not run"
else
	"${nobody[@]}" "$RTBPF" monitor --count 1 >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 1 ] || fail "unprivileged monitor: exit $rc, want 1"
	grep -q 'needs root or CAP_BPF+CAP_PERFMON' "$T/err" ||
		fail "unprivileged monitor: '$(cat "$T/err")'"
	ok "unprivileged -> 1: $(cat "$T/err")"
fi
