#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What the package installs beside the binary (contrib/): every unit
# passes systemd-analyze verify (its rtbpf path pointed at the build, the
# apply template as an instance too), apply@ runs apply, check and revert
# on the instance's profile; the example profile loads as it stands (and
# changes nothing) and with every key line uncommented, in a fake root.
# Nothing runs under systemd; no root needed.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
contrib=$RTBPF_TOP/contrib

# 1. the example profile, in a fake root's profile directory
root=$tmp/root
make_tree "$root"
mkdir -p "$root/etc/rtbpf/profiles.d"
cp "$contrib/example.conf" "$root/etc/rtbpf/profiles.d/"
rc=0
"$RTBPF" check --root "$root" --cpus 2-3 --profile example >"$tmp/as-is" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "check of the example as shipped: exit $rc: $(tail -n 3 "$tmp/as-is")"
grep -q '^0 ok, 0 warn, 0 fail' "$tmp/as-is" || fail "the example as shipped checks something: $(tail -n 1 "$tmp/as-is")"
sed -E 's/^#([a-z][a-z_.]* = )/\1/' "$contrib/example.conf" >"$root/etc/rtbpf/profiles.d/open.conf"
n=$(grep -cE '^[a-z][a-z_.]* = ' "$root/etc/rtbpf/profiles.d/open.conf")
[ "$n" -ge 10 ] || fail "only $n key lines in the example"
rc=0
"$RTBPF" check --root "$root" --cpus 2-3 --profile open >"$tmp/open" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "check of the uncommented example: exit $rc: $(tail -n 3 "$tmp/open")"
grep -q 'vm.swappiness' "$tmp/open" || fail "the uncommented example does not check vm.swappiness"
echo "ok: example profile: empty as shipped, $n valid keys uncommented"

# 2. the units
command -v systemd-analyze >/dev/null || {
	echo "SKIP: systemd-analyze missing (units not verified; the rest passed)"
	exit 77
}
units=("$contrib"/*.service)
[ "${#units[@]}" -ge 2 ] || fail "no units in contrib/"
mkdir "$tmp/units"
for u in "${units[@]}"; do
	sed "s|/usr/sbin/rtbpf|$RTBPF|g" "$u" >"$tmp/units/${u##*/}"
done
cp "$tmp/units/rtbpf-apply@.service" "$tmp/units/rtbpf-apply@ultra.service"
(cd "$tmp/units" && systemd-analyze verify --man=no ./*.service) >"$tmp/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$tmp/verify")"
[ ! -s "$tmp/verify" ] || fail "systemd-analyze verify complains: $(cat "$tmp/verify")"
# what systemd would run for rtbpf-apply@ultra
SYSTEMD_LOG_LEVEL=debug systemd-analyze verify --man=no "$tmp/units/rtbpf-apply@ultra.service" 2>&1 |
	sed -n 's/^[[:space:]]*Command Line: //p' >"$tmp/cmds"
for want in "$RTBPF apply --profile ultra" "$RTBPF check --profile ultra" "$RTBPF revert"; do
	grep -qF "$want" "$tmp/cmds" || fail "rtbpf-apply@ultra does not run '$want': $(cat "$tmp/cmds")"
done
grep -q '^ExecStart=.* hold ' "$contrib/rtbpf-hold.service" || fail "rtbpf-hold.service runs no hold"
echo "ok: ${#units[@]} units pass systemd-analyze verify; apply@ultra runs apply, check, revert"
