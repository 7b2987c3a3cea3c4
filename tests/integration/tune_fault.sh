#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf's journal under failure, on a fake root: a SIGKILL after every
# single journal record and after every single write of apply, then
# revert: the tree is byte-identical. Also: a torn last record, a corrupt
# or foreign state file (refused, nothing changed), a held lock (refused),
# an unmovable IRQ (EIO: reported, not failed), and a knob changed by
# someone else after apply (left alone unless --force).
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp --shm # tmpfs: 3 fsyncs per change cost nothing
make_tree "$tmp/orig"
st=$root/var/lib/rtbpf/state
# the test build: the fault runs set RTBPF_FAULT*
apply() { "${RTBPF_HOOKED:-$RTBPF}" apply -P ultra --root "$root" --cpus 2-3; }
fresh() { rm -rf "$root" && cp -a "$tmp/orig" "$root"; }

fresh
n=$(apply | sed -n 's/^applied \([0-9]*\) changes.*/\1/p')
[ "${n:-0}" -gt 30 ] || fail "expected more than 30 changes, got '$n'"
"$RTBPF" revert --root "$root" >/dev/null

for kind in journal write; do
	for ((k = 1; k <= n; k++)); do
		fresh
		rc=0
		RTBPF_FAULT=$kind:$k apply >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 137 ] || fail "fault $kind:$k: apply exited $rc, expected 137 (SIGKILL)"
		"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" ||
			{ cat "$tmp/err"; fail "fault $kind:$k: revert failed"; }
		same_tree "$root" "$tmp/orig" || fail "fault $kind:$k: tree differs after revert"
	done
done

# Killed, then applied again to completion: the originals are the first ones.
fresh
RTBPF_FAULT=write:5 apply >/dev/null 2>&1 || true
apply >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "kill + re-apply + revert: tree differs"

# A torn last record (a crash inside the append, or a file cut short: no
# way to tell) is refused, nothing changed, by revert and by a second
# apply; revert --force (which only overrides changes by others) does not
# drop it; revert --drop-torn does, and restores the rest.
fresh
apply >/dev/null
printf '0badc0de F sysctl =/proc/sys/vm/swap' >>"$st"
cp -a "$root" "$tmp/torn"
rc=0
"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "torn record: revert exited $rc, want 1"
grep -q 'ends inside a record' "$tmp/err" || fail "torn record not reported: $(cat "$tmp/err")"
rc=0
apply >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "torn record: a second apply exited $rc, want 1"
rc=0
"$RTBPF" revert --force --root "$root" >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "torn record: revert --force exited $rc, want 1"
diff -r "$root" "$tmp/torn" >/dev/null || fail "torn record: revert or apply changed the tree or the state"
"$RTBPF" revert --drop-torn --root "$root" >/dev/null 2>"$tmp/err" || fail "revert --drop-torn: $(cat "$tmp/err")"
grep -q 'torn last record dropped' "$tmp/err" || fail "revert --drop-torn: no warning"
same_tree "$root" "$tmp/orig" || fail "torn record: tree differs after revert --drop-torn"

# Corrupt and foreign state files: refused, nothing changed.
for damage in corrupt foreign; do
	fresh
	apply >/dev/null
	if [ "$damage" = corrupt ]; then
		sed -i '2s/=0$/=7/' "$st"
	else
		sed -i '1s/.*/tuned-state 9/' "$st"
	fi
	cp -a "$root" "$tmp/applied"
	expect_rc 1 "$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err"
	grep -Eq 'line 2 is corrupt|not an rtbpf state file' "$tmp/err" || fail "$damage: message"
	diff -r "$root" "$tmp/applied" >/dev/null || fail "$damage state: revert changed the tree"
	expect_rc 1 apply >/dev/null 2>&1
	diff -r "$root" "$tmp/applied" >/dev/null || fail "$damage state: apply changed the tree"
	rm -rf "$tmp/applied"
done

# A second apply or revert while one holds the lock is refused.
fresh
mkdir -p "$root/var/lib/rtbpf"
flock -n "$root/var/lib/rtbpf/lock" sleep 30 &
child=$!
held=
for _ in $(seq 300); do
	flock -n "$root/var/lib/rtbpf/lock" true || { held=1 && break; }
	sleep 0.1
done
[ -n "$held" ] || fail "lock: the test's flock did not take the lock in 30 s"
expect_rc 1 apply >/dev/null 2>"$tmp/err"
grep -q 'another rtbpf apply or revert holds' "$tmp/err" || fail "lock: message"
expect_rc 1 "$RTBPF" revert --root "$root" 2>/dev/null
kill "$child"
wait "$child" 2>/dev/null || true
child=
rm -rf "$root/var/lib/rtbpf"
same_tree "$root" "$tmp/orig" || fail "refused apply changed the tree"

# An unmovable IRQ (the kernel answers EIO) is reported and skipped.
fresh
RTBPF_FAULT_EIO=/proc/irq/8/smp_affinity apply >"$tmp/out"
grep -q 'irq 8: unmovable' "$tmp/out" || fail "EIO irq not reported"
grep -q '1 unmovable IRQ left' "$tmp/out" || fail "EIO irq not counted"
[ "$(val "$root/proc/irq/8/smp_affinity")" = f ] || fail "EIO irq written"
[ "$(val "$root/proc/irq/9/smp_affinity")" = 3 ] || fail "irq 9 not moved"
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "EIO: tree differs after revert"

# Changed by someone else after apply: left alone, then --force.
fresh
apply >/dev/null
echo 33 >"$root/proc/sys/vm/swappiness"
expect_rc 1 "$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err"
grep -q 'swappiness changed by someone else' "$tmp/err" || fail "conflict not reported"
[ "$(val "$root/proc/sys/vm/swappiness")" = 33 ] || fail "conflicting value overwritten"
[ "$(val "$root/proc/sys/kernel/timer_migration")" = 1 ] || fail "others not restored"
[ -e "$st" ] || fail "state file dropped despite a conflict"
"$RTBPF" revert --root "$root" --force >/dev/null
same_tree "$root" "$tmp/orig" || fail "revert --force: tree differs"
echo "faults: ok ($n steps x 2)"
