#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The README's two set-up commands work in a root shell without sudo (a
# minimal Debian has none: "sudo: command not found") and with sudo: the
# set-up block shows `make run` and `make test` bare, the sudo form is
# given for other users, and neither what those targets run (make -n) nor
# scripts/deps.sh calls sudo itself. No root needed; nothing is built.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
top=$RTBPF_TOP
# the first code block after "## Set-up"
awk '/^## Set-up/ { on = 1; next } on && /^```/ { if (in_block) exit; in_block = 1; next }
	in_block { print }' "$top/README.md" >"$T/block"
for c in "make run" "make test"; do
	grep -qE "^$c( |$)" "$T/block" || fail "README set-up block lacks a bare '$c': $(cat "$T/block")"
	tr '\n' ' ' <"$top/README.md" | tr -s ' ' | grep -qF "\`sudo $c\`" ||
		fail "README does not give 'sudo $c' for other users"
done
! grep -q sudo "$T/block" || fail "README set-up block calls sudo: $(cat "$T/block")"
ok "README: make run and make test for root, with sudo for others"
command -v make >/dev/null || skip "make missing"
for t in run test; do
	make -n -C "$top" O="$T/o" "$t" >"$T/n.$t" 2>&1 || fail "make -n $t: $(tail -n 5 "$T/n.$t")"
	! grep -qw sudo "$T/n.$t" || fail "make $t would call sudo: $(grep -w sudo "$T/n.$t")"
done
# deps.sh: sudo only named in its advice to a user who is not root
calls=$(grep -nw sudo "$top/scripts/deps.sh" | grep -v 'echo ' || true)
[ -z "$calls" ] || fail "scripts/deps.sh calls sudo: $calls"
ok "make run, make test and scripts/deps.sh call no sudo"
echo "readme setup: ok"
