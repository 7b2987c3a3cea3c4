#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The --json contract (docs/json.md) of every command that has it: each
# line is a JSON object, the first is the common header (type, command,
# integer schema, rtbpf, libbpf, kernel, host, isolated as an array of
# CPU numbers), every record has its wall-clock time, and bad input gives an error record naming the command, with
# the usual line on stderr and exit code. check runs on a fake root, xsk
# in namespaces made here (deleted at exit); the monitor watches for
# 100 ms. Unloading and detaching are the monitor_* and xsk_* tests'
# (counting programs host-wide here would count other runs'). Nothing on
# the host changes.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
# shellcheck source=tests/integration/tune_fixture.bash
. "$(dirname "$0")/tune_fixture.bash"
need_root
command -v jq >/dev/null || skip "jq missing"

# header FILE COMMAND: every line parses, the first is COMMAND's header.
header() {
	jq -e . "$1" >/dev/null || fail "$2: a line of $1 is not JSON: $(cat "$1")"
	head -n 1 "$1" | jq -e --arg c "$2" '.type == "header" and
		.command == $c and (.schema | type) == "number" and
		.schema == (.schema | floor) and .schema >= 1 and
		(.rtbpf | type) == "string" and (.libbpf | type) == "string" and
		(.kernel | type) == "string" and (.isolated | type) == "array" and
		all(.isolated[]; type == "number")' >/dev/null ||
		fail "$2: first line is no common header: $(head -n 1 "$1")"
	[ "$(jq -s 'map(select(.type == "header")) | length' "$1")" = 1 ] ||
		fail "$2: more than one header: $(cat "$1")"
	stamped "$1" "$2"
}

# stamped FILE COMMAND: the header names this host (uname -n) and every
# record has its wall-clock "time" (RFC 3339 UTC, milliseconds) within 5 s
# of now.
stamped() {
	head -n 1 "$1" | jq -e --arg h "$(uname -n)" '.host == $h' >/dev/null ||
		fail "$2: header's host is not $(uname -n): $(head -n 1 "$1")"
	jq -se --argjson now "$(date +%s)" 'all(.[]; (.time | type) == "string"
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$"))
		and ((.time | sub("[.][0-9]+Z$"; "Z") | fromdateiso8601) - $now |
			fabs <= 5))' "$1" >/dev/null ||
		fail "$2: a record without a current time: $(cat "$1")"
}

# bad CODE COMMAND RE CMD...: CMD fails with CODE, stderr matches RE, and
# stdout is the header and one error record with the same message.
bad() {
	local code=$1 cmd=$2 re=$3 rc=0
	shift 3
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$code" ] || fail "$*: exit $rc, want $code ($(cat "$T/err"))"
	grep -qE -e "$re" "$T/err" || fail "$*: stderr '$(cat "$T/err")' lacks /$re/"
	header "$T/out" "$cmd"
	[ "$(wc -l <"$T/out")" = 2 ] || fail "$*: want header and error: $(cat "$T/out")"
	tail -n 1 "$T/out" | jq -e --arg c "$cmd" --arg m "$(sed 's/^rtbpf: //' "$T/err")" \
		'.type == "error" and .command == $c and .message == $m' >/dev/null ||
		fail "$*: no error record matching stderr: $(tail -n 1 "$T/out")"
	ok "$cmd -> $rc: $(tail -n 1 "$T/out")"
}

# check, on a fake root whose isolated CPUs are 2-3: CPU lists as arrays.
root=$T/root
make_tree "$root"
put "$root/sys/devices/system/cpu/isolated" 2-3
rc=0
"$RTBPF" check --root "$root" --json >"$T/check" || rc=$?
[ "$rc" = 3 ] || fail "check: exit $rc, want 3 (deviations)"
header "$T/check" check
head -n 1 "$T/check" | jq -e '.isolated == [2,3] and .cpus == [2,3] and
	.housekeeping == [0,1]' >/dev/null || fail "check header: $(head -n 1 "$T/check")"
tail -n 1 "$T/check" | jq -e '.type == "summary"' >/dev/null || fail "check: no summary"
ok "check: $(head -n 1 "$T/check" | jq -c '{command, schema, cpus}')"
bad 2 check "CPU range '9-3' is reversed" "$RTBPF" check --root "$root" --cpus 9-3 --json
bad 2 check "unknown option '--bogus'" "$RTBPF" check --json --bogus
bad 2 check "check: --only: unknown stage 'nosuch'" "$RTBPF" check --root "$root" --only nosuch -j

# status, on the same fake root: never applied
"$RTBPF" status --root "$root" --json >"$T/status" || fail "status: exit $?"
header "$T/status" status
tail -n 1 "$T/status" | jq -e '.type == "summary" and .applied == false' >/dev/null ||
	fail "status: $(cat "$T/status")"
ok "status: $(head -n 1 "$T/status" | jq -c '{command, schema}')"
bad 2 status "unknown option '--bogus'" "$RTBPF" status --json --bogus

# monitor: one interval of watching, then a bad CPU list.
"$RTBPF" monitor --json --count 1 --interval 100ms >"$T/mon" 2>"$T/mon.err" ||
	fail "monitor: $(cat "$T/mon.err")"
header "$T/mon" monitor
head -n 1 "$T/mon" | jq -e '(.cpus | type) == "array" and (.online | type) == "array"' \
	>/dev/null || fail "monitor header: $(head -n 1 "$T/mon")"
ok "monitor: $(head -n 1 "$T/mon" | jq -c '{command, schema}')"
bad 2 monitor "bad CPU list 'abc'" "$RTBPF" monitor --cpus abc --json

# timerlat: a short run on one CPU, then a CPU that is not online.
"$RTBPF" timerlat --cpus 0 --duration 200ms --interval 100ms --json >"$T/tl" 2>"$T/tl.err" ||
	fail "timerlat: $(cat "$T/tl.err")"
header "$T/tl" timerlat
tail -n 1 "$T/tl" | jq -e '.type == "summary" and (.cpus | length) == 1' >/dev/null ||
	fail "timerlat: no summary"
ok "timerlat: $(head -n 1 "$T/tl" | jq -c '{command, schema, cpus}')"
bad 2 timerlat "timerlat: --cpus: CPU 4095 is not online" "$RTBPF" timerlat --cpus 4095 --json

# osnoise: the same.
"$RTBPF" osnoise --cpus 0 --period 100ms --runtime 50ms --duration 200ms --interval 100ms \
	--json >"$T/osn" 2>"$T/osn.err" || fail "osnoise: $(cat "$T/osn.err")"
header "$T/osn" osnoise
tail -n 1 "$T/osn" | jq -e '.type == "summary" and (.cpus | length) == 1' >/dev/null ||
	fail "osnoise: no summary"
ok "osnoise: $(head -n 1 "$T/osn" | jq -c '{command, schema, cpus}')"
bad 2 osnoise "osnoise: --cpus: CPU 4095 is not online" "$RTBPF" osnoise --cpus 4095 --json

# xsk send and recv, in the namespaces.
netns_up
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9000" --mode socket --count 1 \
	--json >"$T/send" 2>"$T/send.err" || fail "xsk send: $(cat "$T/send.err")"
header "$T/send" "xsk send"
in_b "$RTBPF" xsk recv --dev veth1 --port 9000 --mode socket --duration 100ms \
	--json >"$T/recv" 2>"$T/recv.err" || fail "xsk recv: $(cat "$T/recv.err")"
header "$T/recv" "xsk recv"
ok "xsk: $(head -n 1 "$T/send" | jq -c '{command, schema, mode}')"
bad 2 "xsk send" 'interface nosuch0: No such device' \
	in_a "$RTBPF" xsk send --dev nosuch0 --dst "$IP_B:9000" --json
bad 2 "xsk recv" "--ring: '3' is not a power of two" \
	in_b "$RTBPF" xsk recv --dev veth1 --port 9000 --ring 3 --json

# bench e2e: bad input only (tests/integration/e2e_run.sh runs it).
bad 2 "bench e2e" "out of range" "$RTBPF" bench e2e --priority 99 --json
echo "json contract: ok"
