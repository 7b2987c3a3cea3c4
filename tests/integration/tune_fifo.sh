#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A FIFO, directory or device where rtbpf expects a file never blocks it
# and is never read as a value: check and apply on a fake root with FIFOs
# for a sysctl and for /etc/default/irqbalance finish (no reader ever
# opens them: a blocking open would hang until the timeout), name the
# file, and report it; hold refuses a FIFO or a directory as
# /dev/cpu_dma_latency at once. A config file too large to edit stops
# apply before any change.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
for f in proc/sys/vm/swappiness etc/default/irqbalance; do
	rm -f "$root/$f"
	mkfifo "$root/$f"
done

rc=0
timeout 20 "$RTBPF" check -P ultra --root "$root" --cpus 1 >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" != 124 ] || fail "check blocked on a FIFO"
[ "$rc" = 3 ] || fail "check exited $rc (want 3: deviations): $(cat "$tmp/err")"
for f in proc/sys/vm/swappiness etc/default/irqbalance; do
	grep -q "$f is not a regular file" "$tmp/err" || fail "check did not name $f: $(cat "$tmp/err")"
done
grep -q 'FAIL sysctl *vm.swappiness' "$tmp/out" || fail "swappiness not failed: $(cat "$tmp/out")"
ok "check: FIFOs named and failed, never waited on"

rc=0
timeout 20 "$RTBPF" apply -P ultra --root "$root" --cpus 1 >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" != 124 ] || fail "apply blocked on a FIFO"
[ "$rc" = 1 ] || fail "apply exited $rc (want 1): $(cat "$tmp/err")"
grep -q "is not a regular file" "$tmp/err" || fail "apply did not name the FIFO: $(cat "$tmp/err")"
[ -p "$root/proc/sys/vm/swappiness" ] || fail "the FIFO was replaced"
timeout 20 "$RTBPF" revert --root "$root" >/dev/null 2>&1 || fail "revert after the failed apply"
ok "apply: stops at the FIFO with its name; revert undoes what came before"

mkdir -p "$tmp/h/dev"
mkfifo "$tmp/h/dev/cpu_dma_latency"
rc=0
timeout 10 "$RTBPF" hold --root "$tmp/h" --dma-latency 5 2>"$tmp/err" || rc=$?
[ "$rc" != 124 ] || fail "hold blocked on a FIFO"
[ "$rc" = 1 ] || fail "hold on a FIFO exited $rc"
grep -q 'a FIFO, not the PM QoS device' "$tmp/err" || fail "hold: $(cat "$tmp/err")"
rm "$tmp/h/dev/cpu_dma_latency"
mkdir "$tmp/h/dev/cpu_dma_latency"
rc=0
timeout 10 "$RTBPF" hold --root "$tmp/h" --dma-latency 5 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "hold on a directory exited $rc"
# a symlink out of the root, and a file another user owns: never written
rmdir "$tmp/h/dev/cpu_dma_latency"
printf 'victim' >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/h/dev/cpu_dma_latency"
rc=0
timeout 10 "$RTBPF" hold --root "$tmp/h" --dma-latency 0 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "hold through a symlink exited $rc"
[ "$(cat "$tmp/victim")" = victim ] || fail "hold wrote through a symlink out of the root"
rm "$tmp/h/dev/cpu_dma_latency"
printf 'x' >"$tmp/h/dev/cpu_dma_latency"
chown nobody "$tmp/h/dev/cpu_dma_latency"
rc=0
timeout 10 "$RTBPF" hold --root "$tmp/h" --dma-latency 0 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "hold on another user's file exited $rc"
[ "$(cat "$tmp/h/dev/cpu_dma_latency")" = x ] || fail "hold wrote another user's file"
grep -q 'not a plain file of this user' "$tmp/err" || fail "hold: $(cat "$tmp/err")"
ok "hold: a FIFO, directory, symlink or another user's file as /dev/cpu_dma_latency refused at once"

# A config file larger than rtbpf edits: apply refuses with its name and
# changes nothing (it once reported "applied 0 changes" and exit 0).
rm -rf "$root"
make_tree "$root"
for i in $(seq 2000); do echo "# comment line $i, padding padding padding"; done >>"$root/etc/default/irqbalance"
cp -a "$root" "$tmp/big"
rc=0
"$RTBPF" apply -P ultra --root "$root" --cpus 1 >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 1 ] || fail "apply with a huge irqbalance file exited $rc: $(cat "$tmp/err")"
grep -q 'irqbalance: read .*etc/default/irqbalance: File too large' "$tmp/err" || fail "no message: $(cat "$tmp/err")"
diff -r "$root" "$tmp/big" >/dev/null || fail "apply changed the tree"
ok "apply: a config file too large to edit refused by name, nothing changed"
