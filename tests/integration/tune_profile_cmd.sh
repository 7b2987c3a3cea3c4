#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Profiles made visible (issue 24 item 3): `profile list` names the
# built-ins and the files in profiles.d; `profile show NAME` prints the
# profile resolved as a profile file, which loads back to the same checks;
# `profile keys` lists every key, and docs/tune.md documents each one; a
# key without its prefix gets the full key as a hint; `-P p1.conf` finds
# the file in the current directory (a profiles.d profile of that name
# first) and the applied file records it absolute.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
mkdir -p "$root/etc/rtbpf/profiles.d"
printf 'include = ultra\nsysctl.vm.swappiness = 5\n' >"$root/etc/rtbpf/profiles.d/desk.conf"

"$RTBPF" profile list --root "$root" >"$tmp/list"
for want in '^  ultra  ' '^  low-latency  ' "^  desk  *$root/etc/rtbpf/profiles.d/desk.conf\$"; do
	grep -q "$want" "$tmp/list" || fail "list lacks $want: $(cat "$tmp/list")"
done

# show: loads back to the same expected values as the profile itself
for p in ultra low-latency desk; do
	"$RTBPF" profile show --root "$root" "$p" >"$tmp/$p.conf"
	"$RTBPF" check -P "$p" --root "$root" --cpus 2-3 --json >"$tmp/a.json" || true
	"$RTBPF" check -P "$tmp/$p.conf" --root "$root" --cpus 2-3 --json >"$tmp/b.json" || true
	diff <(jq -c 'select(.type == "item") | [.item, .expected]' "$tmp/a.json") \
		<(jq -c 'select(.type == "item") | [.item, .expected]' "$tmp/b.json") >/dev/null ||
		fail "profile show $p does not load back to the same profile"
done
grep -qx 'sysctl.vm.swappiness = 5' "$tmp/desk.conf" || fail "show desk: $(cat "$tmp/desk.conf")"
expect_rc 2 "$RTBPF" profile show nosuch 2>"$tmp/err"
grep -q "unknown profile 'nosuch'.*'rtbpf profile list' lists them" "$tmp/err" || fail "show nosuch: $(cat "$tmp/err")"
expect_rc 2 "$RTBPF" profile frob 2>/dev/null
expect_rc 2 "$RTBPF" profile show 2>"$tmp/err"
grep -q "which profile" "$tmp/err" || fail "profile show without NAME: $(cat "$tmp/err")"

# keys: every one documented in docs/tune.md (the table abbreviates
# sysctl.X as .X after the first, and says stage.NAME with the names)
"$RTBPF" profile keys >"$tmp/keys"
n=0
while read -r key _; do
	n=$((n + 1))
	grep -qF -- "\`$key\`" "$RTBPF_TOP/docs/tune.md" ||
		grep -qF -- "\`.${key#sysctl.}\`" "$RTBPF_TOP/docs/tune.md" ||
		grep -q "^| \`stage.NAME\` (.*\b${key#stage.}\b" "$RTBPF_TOP/docs/tune.md" ||
		fail "key $key not in docs/tune.md"
done < <(grep -E '^  [a-z]+\.[a-z_.]+ ' "$tmp/keys")
[ "$n" -ge 50 ] || fail "profile keys: only $n keys"

# a key without its prefix: the full one as a hint
printf 'include = ultra\nvm.swappiness = 1\n' >"$tmp/p0.conf"
expect_rc 2 "$RTBPF" check -P "$tmp/p0.conf" --root "$root" --cpus 2-3 2>"$tmp/err"
grep -q "unknown key 'vm.swappiness' (did you mean sysctl.vm.swappiness?)" "$tmp/err" || fail "hint: $(cat "$tmp/err")"

# -P FILE in the current directory; a profiles.d profile of the name wins
printf 'include = ultra\nsysctl.vm.swappiness = 1\n' >"$tmp/p1.conf"
printf 'include = ultra\nsysctl.vm.swappiness = 2\n' >"$tmp/desk"
(
	cd "$tmp"
	"$RTBPF" check -P p1.conf --root "$root" --cpus 2-3 --json >"$tmp/p1.json" || true
	jq -e -s '[.[] | select(.item == "vm.swappiness")][0].expected == "1"' "$tmp/p1.json" >/dev/null ||
		fail "-P p1.conf not read from the current directory"
	"$RTBPF" check -P desk --root "$root" --cpus 2-3 --json >"$tmp/desk.json" || true
	jq -e -s '[.[] | select(.item == "vm.swappiness")][0].expected == "5"' "$tmp/desk.json" >/dev/null ||
		fail "-P desk: the file here won over profiles.d"
	"$RTBPF" apply -P p1.conf --root "$root" --cpus 2-3 >/dev/null
)
grep -qx "profile $tmp/p1.conf" "$root/var/lib/rtbpf/applied" || fail "applied: $(cat "$root/var/lib/rtbpf/applied")"
"$RTBPF" revert --root "$root" >/dev/null
echo "profile list/show/keys: ok"
