#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Tuning drift as the exporter serves it (user/monitor/drift.h), through
# tests/tools/drift_prom on a fake root: the exposition passes
# `promtool check metrics`; its items by stage and state add up to what
# `rtbpf check --json` counts on the same tree (ground truth); compliant
# is 0 on the stock tree, 1 after apply --root, 0 when the test changes a
# knob, 1 when it is written back, 0 after revert; the check writes
# nothing and runs while apply's lock is held; a bad profile exits 2.
# Needs promtool (Debian prometheus):
# SKIP (77) without it.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
tool=${RTBPF_BUILD:-build}/tests/drift_prom
[ -x "$tool" ] || { echo "SKIP: $tool not built"; exit 77; }
command -v promtool >/dev/null || { echo "SKIP: no promtool (apt install prometheus)"; exit 77; }
tmp=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
root=$tmp/root
make_tree "$root"
args=(--profile ultra --check-root "$root" --check-cpus 2-3)

# expose NAME: the exposition into $tmp/NAME.prom, checked by promtool.
expose() {
	"$tool" "${args[@]}" >"$tmp/$1.prom" || fail "$1: drift_prom exited $?"
	promtool check metrics <"$tmp/$1.prom" >"$tmp/$1.lint" 2>&1 ||
		{ cat "$tmp/$1.lint"; fail "$1: promtool check metrics"; }
}

# compliant NAME WANT
compliant() {
	grep -qx "rtbpf_tuning_compliant $2" "$tmp/$1.prom" ||
		fail "$1: compliant is not $2: $(grep compliant "$tmp/$1.prom")"
}

# same_counts NAME: the items by state add up to check --json's summary.
same_counts() {
	"$RTBPF" check -P ultra --root "$root" --cpus 2-3 --json \
		>"$tmp/$1.json" || true
	python3 - "$tmp/$1.prom" "$tmp/$1.json" <<'PY' || fail "$1: counts differ from check"
import json, re, sys
prom = {}
for line in open(sys.argv[1]):
    m = re.match(r'rtbpf_tuning_items\{stage="(\w+)",state="(\w+)"\} (\d+)$', line)
    if m:
        prom[m[2]] = prom.get(m[2], 0) + int(m[3])
summ = [json.loads(l) for l in open(sys.argv[2])][-1]
assert summ["type"] == "summary", summ
for st in ("ok", "warn", "fail", "skip"):
    assert prom.get(st, 0) == summ[st], (st, prom, summ)
PY
}

cp -a "$root" "$tmp/orig"
expose stock
compliant stock 0
same_counts stock
grep -q '^# TYPE rtbpf_tuning_items gauge$' "$tmp/stock.prom" || fail "no TYPE"
grep -q 'rtbpf_tuning_profile_info{profile="ultra"} 1' "$tmp/stock.prom" ||
	fail "no profile info"
same_tree "$root" "$tmp/orig" || fail "the drift check changed the tree"
ok "stock tree: not compliant, counts as check's, nothing written"

"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null
expose applied
compliant applied 1
same_counts applied
ok "after apply: compliant"

# apply's lock held (an apply or revert running): the check does not wait
lock=$root/var/lib/rtbpf/lock
[ -f "$lock" ] || fail "no lock file after apply"
# the subshell becomes the sleep, which holds the lock on fd 9 itself
(
	exec 9>>"$lock"
	flock -x 9
	exec sleep 30
) &
holder=$!
sleep 0.2
expect_rc 1 "$RTBPF" revert --root "$root" 2>/dev/null # the lock is held
timeout 10 "$tool" "${args[@]}" >"$tmp/locked.prom" || fail "the check waited for apply's lock"
grep -qx 'rtbpf_tuning_compliant 1' "$tmp/locked.prom" || fail "locked: not compliant"
kill "$holder"
wait "$holder" 2>/dev/null || true
holder=
ok "the check runs while apply's lock is held"

echo 60 >"$root/proc/sys/vm/swappiness"
expose drifted
compliant drifted 0
grep -qx 'rtbpf_tuning_items{stage="sysctl",state="fail"} 1' "$tmp/drifted.prom" ||
	fail "the changed sysctl is not the one failing item"
same_counts drifted
echo 10 >"$root/proc/sys/vm/swappiness"
expose fixed
compliant fixed 1
ok "a changed knob flips compliant to 0, written back to 1"

"$RTBPF" revert --root "$root" >/dev/null
expose reverted
compliant reverted 0
ok "after revert: not compliant"

# OpenMetrics: the same families, ends with # EOF
"$tool" "${args[@]}" --openmetrics >"$tmp/om.txt"
[ "$(tail -n1 "$tmp/om.txt")" = "# EOF" ] || fail "OpenMetrics: no # EOF"
grep -q '^# TYPE rtbpf_tuning_profile info$' "$tmp/om.txt" || fail "OpenMetrics: info type"
grep -q '^# UNIT rtbpf_tuning_check_duration_seconds seconds$' "$tmp/om.txt" ||
	fail "OpenMetrics: unit"
ok "OpenMetrics text"

expect_rc 2 "$tool" --profile no-such --check-root "$root" 2>/dev/null
expect_rc 2 "$tool" --profile ultra --check-root "$tmp/none" 2>/dev/null
ok "a bad profile or root exits 2"
echo "PASS"
