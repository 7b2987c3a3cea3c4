#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every command's --help (generated from its option table, which the
# parser checks against the short-letter registry first): exit 0, lines
# under 80 columns, and across all commands each short letter names one
# long option. No root needed; nothing is loaded or changed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

cmds=(monitor timerlat osnoise apply check revert status "profile list" "profile show" "profile keys" run
	systemd-unit hold "xsk send" "xsk recv" "bench e2e")
for c in "${cmds[@]}"; do
	# shellcheck disable=SC2086 # "xsk send" is two words
	"$RTBPF" $c --help >"$T/help" 2>"$T/err" || fail "$c --help: exit $? ($(cat "$T/err"))"
	[ ! -s "$T/err" ] || fail "$c --help wrote to stderr: $(cat "$T/err")"
	grep -q "^Usage: rtbpf $c " "$T/help" || fail "$c --help: no usage line"
	awk 'length > 79 { exit 1 }' "$T/help" || fail "$c --help: a line over 79 columns"
	grep -qE '^  -h, --help ' "$T/help" || fail "$c --help: no -h"
	grep -qE '^  -v, --verbose ' "$T/help" || fail "$c --help: no -v"
	sed -nE 's/^  (-[a-zA-Z]), --([a-z-]+).*/\1 \2/p' "$T/help" >>"$T/pairs"
done
# one long option per letter
dups=$(sort -u "$T/pairs" | awk '{ print $1 }' | uniq -d)
[ -z "$dups" ] || fail "letters with two meanings: $dups: $(sort -u "$T/pairs" | grep -E -- "^(${dups//$'\n'/|}) ")"
ok "$(sort -u "$T/pairs" | wc -l) short letters over ${#cmds[@]} commands, one meaning each"

# the units rule is in the help of each command with such a value
"$RTBPF" monitor --help | grep -q 'a bare number is seconds' || fail "monitor: no DUR rule"
"$RTBPF" hold --help | tr '\n' ' ' | grep -q 'a bare number *is microseconds' || fail "hold: no LAT rule"
ok "units stated in --help"
# --version names the build: version and git revision, the libbpf
# running and the one built against, libxdp, static or dynamic
"$RTBPF" --version >"$T/v" || fail "--version: exit $?"
v=$(sed -n 's/^VERSION := //p' "${RTBPF_TOP:-.}/Makefile")
grep -qE "^rtbpf $v \(git (unknown|[0-9a-f]{7,}(-dirty)?)\)$" "$T/v" ||
	fail "--version line 1: $(head -n 1 "$T/v")"
want=$(pkg-config --modversion libbpf 2>/dev/null || echo unknown)
sed -n 2p "$T/v" | grep -qE "^libbpf [0-9]+\.[0-9]+ \(built with $want\), libxdp [^,]+, dynamic$" ||
	fail "--version line 2: $(sed -n 2p "$T/v")"
ok "--version: $(tr '\n' ' ' <"$T/v")"
echo "cli help: ok"
