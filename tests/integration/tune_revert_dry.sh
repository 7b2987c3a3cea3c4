#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# revert --dry-run prints what revert would do and changes nothing: after
# apply (and a knob changed by hand since), the tree, journal directory
# included, is byte-identical after the dry run; the commands it prints
# are the ones the real revert then runs (with --force: the hand-changed
# knob too); masks say which CPUs they mean; of many of one sort (every
# IRQ) the first three and a line for the rest, -v each. Nothing applied:
# says so.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
cp -a "$root" "$tmp/orig"

"$RTBPF" revert --dry-run --root "$root" >"$tmp/none"
grep -q '^nothing to revert' "$tmp/none" || fail "nothing applied: $(cat "$tmp/none")"
diff -r "$root" "$tmp/orig" >/dev/null || fail "dry run on a fresh tree changed it"

"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null
echo 33 >"$root/proc/sys/vm/swappiness" # changed by someone else
cp -a "$root" "$tmp/applied"

"$RTBPF" revert --dry-run --root "$root" >"$tmp/dry" 2>"$tmp/dry.err"
diff -r "$root" "$tmp/applied" >/dev/null || fail "revert --dry-run changed the tree"
grep -q 'vm/swappiness changed by someone else' "$tmp/dry.err" || fail "conflict not named: $(cat "$tmp/dry.err")"
grep -q '^# dry run: [0-9]* to restore, 0 as before or gone, 1 changed by others (left alone), 0 failing; nothing changed$' "$tmp/dry" ||
	fail "dry run summary: $(tail -n 1 "$tmp/dry")"
! grep -q '^+ ' "$tmp/dry" || fail "dry run printed a '+ ' (done) line"
# the IRQs: three commands, then a line for the rest (-v: each)
grep -qx '# 3 more of /proc/irq/\*/smp_affinity (-v prints each): \* = 0-1 8' "$tmp/dry" ||
	fail "no line for the other IRQs: $(grep irq "$tmp/dry")"
"$RTBPF" revert -v --dry-run --root "$root" >"$tmp/dry" 2>/dev/null
grep -qx "echo f > $root/proc/irq/8/smp_affinity  # CPUs 0-3" "$tmp/dry" ||
	fail "no mask command: $(grep irq/8 "$tmp/dry")"

# --force: the same commands as the real revert, which then restores all
"$RTBPF" revert --dry-run --force --root "$root" >"$tmp/dry"
diff -r "$root" "$tmp/applied" >/dev/null || fail "revert --dry-run --force changed the tree"
"$RTBPF" revert --force --root "$root" >"$tmp/real"
diff <(grep -v '^# dry run: ' "$tmp/dry") <(sed 's/^+ //' "$tmp/real" | grep -v '^reverted: ') ||
	fail "dry run and revert differ"
same_tree "$root" "$tmp/orig" || fail "revert after the dry run"
[ ! -e "$root/var/lib/rtbpf/state" ] || fail "state file left"
echo "revert --dry-run: ok"
