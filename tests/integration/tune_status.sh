#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What rtbpf changed, on a fake root (issue 24 item 3): `status` says
# nothing is applied before apply; after it, the profile, time and CPUs of
# that apply, no drift, the boot knobs that wait for a reboot and the
# systemd drop-in that waits for a re-exec, and changes nothing; a knob
# changed by hand since is drift (exit 3). A plain `check` after apply
# takes the applied profile and CPUs (said on its first line) and marks
# the OK items rtbpf set ("set by rtbpf", JSON set_by_rtbpf), not those
# that were fine before. A profile given as a relative path is recorded
# absolute. Without root the journal is unreadable: status says so. After
# revert: nothing applied again. apply's last line counts the boot knobs
# that wait for a reboot. --json: the same as records (docs/json.md).
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root --world-readable
cp -a "$root" "$tmp/orig"

expect_rc 0 "$RTBPF" status --root "$root" >"$tmp/out"
grep -q '^nothing applied: no state file' "$tmp/out" || fail "fresh: $(cat "$tmp/out")"
diff -r "$root" "$tmp/orig" >/dev/null || fail "status changed a fresh tree"

# a profile file named by a relative path
printf 'include = low-latency\nsysctl.vm.swappiness = 7\n' >"$tmp/mine.conf"
(cd "$tmp" && "$RTBPF" apply -P ./mine.conf --root "$root" --cpus 2-3 >"$tmp/apply")
tail -n 1 "$tmp/apply" | grep -qx "[1-9][0-9]* boot knobs wait for a reboot with the kernel command line 'rtbpf status' shows" ||
	fail "apply: no reboot line: $(tail -n 2 "$tmp/apply")"
cp -a "$root" "$tmp/applied"

expect_rc 0 "$RTBPF" status --root "$root" >"$tmp/out"
grep -q "^applied: profile $tmp/mine.conf, 20[0-9-]* [0-9:]* UTC; latency CPUs 2-3, housekeeping 0-1$" "$tmp/out" ||
	fail "status: $(head -n 1 "$tmp/out")"
grep -q '^journal: .*/var/lib/rtbpf/state, [0-9]* knobs' "$tmp/out" || fail "status: no journal line"
grep -A1 '^drifted since apply' "$tmp/out" | grep -qx '  none' || fail "status: drift right after apply"
grep -q '^waits for a reboot: [1-9][0-9]* boot knobs: isolcpus, ' "$tmp/out" || fail "status: boot knobs: $(cat "$tmp/out")"
grep -q '^  kernel command line to add: isolcpus=' "$tmp/out" || fail "status: no command line"
grep -q '^waits for systemctl daemon-reexec or a reboot: /etc/systemd/system.conf.d/99-rtbpf.conf$' "$tmp/out" ||
	fail "status: systemd drop-in"
diff -r "$root" "$tmp/applied" >/dev/null || fail "status changed the tree"

# a plain check: the applied profile and CPUs, clean, marks what rtbpf set
expect_rc 0 "$RTBPF" check --root "$root" >"$tmp/check"
when=$(date -u -d "@$(sed -n 's/^time //p' "$root/var/lib/rtbpf/applied")" '+%Y-%m-%d %H:%M UTC')
[ "$(head -n 1 "$tmp/check")" = "# profile $tmp/mine.conf, --cpus 2-3: those of the last apply ($when)" ] ||
	fail "check: first line $(head -n 1 "$tmp/check")"
grep -q '^OK   sysctl    vm.swappiness  *want 7  *is 7 (set by rtbpf)$' "$tmp/check" || fail "check: swappiness not marked"
grep -q '^OK   irq       irq 24  *want 0-1  *is 1$' "$tmp/check" || fail "check: irq 24 (fine before apply) marked or missing"
"$RTBPF" check --root "$root" --json >"$tmp/json"
jq -e -s '[.[] | select(.item == "vm.swappiness")][0].set_by_rtbpf == true and
	([.[] | select(.item == "irq 24")][0] | has("set_by_rtbpf") | not) and
	.[0].profile == "'"$tmp/mine.conf"'" and .[0].cpus == [2, 3]' "$tmp/json" >/dev/null ||
	fail "check --json: set_by_rtbpf or header"
# -P given, CPUs from the apply; --cpus given: as typed
"$RTBPF" check -P ultra --root "$root" | head -n 1 | grep -q '^# profile ultra, --cpus 2-3: the CPUs of the last apply' ||
	fail "check -P: first line"
"$RTBPF" check -P ultra --cpus 3 --root "$root" | head -n 1 | grep -q '^stage ' || fail "check -P --cpus: a note"

# without root: the journal is root's
expect_rc 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$RTBPF" status --root "$root" 2>"$tmp/err"
grep -q 'run as root' "$tmp/err" || fail "nobody: $(cat "$tmp/err")"

# drift: a knob changed by hand
echo 33 >"$root/proc/sys/vm/swappiness"
expect_rc 3 "$RTBPF" status --root "$root" >"$tmp/out"
grep -qx '  sysctl     /proc/sys/vm/swappiness: rtbpf wrote 7, now 33' "$tmp/out" || fail "drift: $(cat "$tmp/out")"
grep -q '^  1 knob: ' "$tmp/out" || fail "drift count"
# --json: the same, a record each
expect_rc 3 "$RTBPF" status --json --root "$root" >"$tmp/json"
jq -e -s --arg p "$tmp/mine.conf" '
	.[0].type == "header" and .[0].command == "status" and .[0].schema == 1 and
	.[1].type == "applied" and .[1].profile == $p and .[1].cpus == [2, 3] and
	.[1].housekeeping == [0, 1] and (.[1].knobs | type) == "number" and
	([.[] | select(.type == "drift") | del(.time)] == [{"type": "drift", "stage": "sysctl",
		"path": "/proc/sys/vm/swappiness", "wrote": "7", "now": "33"}]) and
	([.[] | select(.type == "pending" and .until == "reboot")] | length) ==
		([.[] | select(.type == "pending" and .stage == "boot")] | length) and
	([.[] | select(.type == "pending" and .until == "daemon-reexec")] | length) == 1 and
	(.[-1] | .type == "summary" and .applied and .drifted == 1 and
		.pending == ([$all[] | select(.type == "pending")] | length) and
		(.cmdline | startswith("isolcpus=")))' --slurpfile all "$tmp/json" "$tmp/json" >/dev/null ||
	fail "status --json: $(cat "$tmp/json")"

"$RTBPF" revert --force --root "$root" >/dev/null
[ ! -e "$root/var/lib/rtbpf/applied" ] || fail "revert left the applied file"
expect_rc 0 "$RTBPF" status --root "$root" >"$tmp/out"
grep -q '^nothing applied' "$tmp/out" || fail "after revert: $(cat "$tmp/out")"
"$RTBPF" status --json --root "$root" | tail -n 1 |
	jq -e 'del(.time) == {"type": "summary", "applied": false, "drifted": 0, "pending": 0}' >/dev/null ||
	fail "status --json after revert"
same_tree "$root" "$tmp/orig" || fail "revert"
echo "status: ok"
