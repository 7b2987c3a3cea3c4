#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf check: an IRQ the kernel refused to move at apply (EIO) is WARN
# (unmovable), not FAIL, also for an unprivileged check; check works
# without root on a world-readable fake tree (setpriv to nobody) and writes
# nothing. Then the process stage's profile keys on sleeping children
# (process-local only): per-thread CPUs, busy-poll (SCHED_OTHER nice -20),
# the memlock limit check; revert restores each thread.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root --world-readable
cp -a "$root" "$tmp/orig"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
command -v setpriv >/dev/null || { echo "needs setpriv"; exit 77; }
nobody test -x "$RTBPF" || { echo "rtbpf not executable by nobody"; exit 77; }

# Unprivileged check before apply: deviations found, exit 3, no writes.
# (-v: one line per IRQ and thread, not groups)
expect_rc 3 nobody "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 >"$tmp/out"
grep -q '^FAIL irq       irq 8 ' "$tmp/out" || fail "nobody: irq 8 not checked"
grep -q '^FAIL threads   tid 501' "$tmp/out" || fail "nobody: threads not checked"
same_tree "$root" "$tmp/orig" || fail "unprivileged check changed the tree"

# apply with IRQ 8 unmovable (EIO): reported and recorded.
RTBPF_FAULT_EIO=/proc/irq/8/smp_affinity "${RTBPF_HOOKED:-$RTBPF}" apply -P ultra --root "$root" --cpus 2-3 >"$tmp/out"
grep -q 'irq 8: unmovable (EIO' "$tmp/out" || fail "EIO not reported at apply"
for who in root nobody; do
	run=()
	[ "$who" = nobody ] && run=(nobody)
	expect_rc 0 "${run[@]}" "$RTBPF" check -P ultra --root "$root" --cpus 2-3 >"$tmp/out"
	grep -q '^WARN irq       irq 8 ' "$tmp/out" || fail "$who: irq 8 not WARN"
	grep -A1 '^WARN irq       irq 8 ' "$tmp/out" | grep -q 'unmovable' || fail "$who: no unmovable note"
	grep -q '^FAIL' "$tmp/out" && fail "$who: check after apply fails"
	"${run[@]}" "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --json |
		python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
irq8 = [r for r in recs if r.get("item") == "irq 8"][0]
assert irq8["status"] == "WARN" and "unmovable" in irq8["note"], irq8
' || fail "$who: json"
done
# A second apply tries again (still EIO), journal keeps the first original.
RTBPF_FAULT_EIO=/proc/irq/8/smp_affinity "${RTBPF_HOOKED:-$RTBPF}" apply -P ultra --root "$root" --cpus 2-3 >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "EIO: tree differs after revert"
[ ! -e "$root/var/lib/rtbpf/unmovable" ] || fail "unmovable list left after revert"
expect_rc 3 "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 >"$tmp/out"
grep -q '^FAIL irq       irq 8 ' "$tmp/out" || fail "irq 8 still WARN after revert"

# process stage keys, on children that only sleep.
policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/task/$2/stat"; }
nice_of() { awk '{ sub(/.*\) /, ""); print $(19 - 2) }' "/proc/$1/task/$2/stat"; }
tcpus() { awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$1/task/$2/status"; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; exit 77; }
python3 -c 'import threading, time
for _ in range(2): threading.Thread(target=time.sleep, args=(300,), daemon=True).start()
time.sleep(300)' &
child=$!
for _ in $(seq 50); do
	[ "$(find "/proc/$child/task" -mindepth 1 -maxdepth 1 | wc -l)" -ge 3 ] && break
	sleep 0.1
done
mapfile -t tids < <(find "/proc/$child/task" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n)
[ "${#tids[@]}" -eq 3 ] || fail "child has ${#tids[@]} threads"
before=$(for t in "${tids[@]}"; do echo "$(policy "$child" "$t"):$(nice_of "$child" "$t"):$(tcpus "$child" "$t")"; done)
d=$root/etc/rtbpf/profiles.d
mkdir -p "$d"
printf '%s\n' 'include = ultra' 'process.affinity = per-thread' >"$d/pt.conf"
printf '%s\n' 'include = ultra' 'process.busy_poll = on' >"$d/bp.conf"
# Per-thread on the 4-CPU fake topology: dry run only (this host may lack
# CPUs 2-3): each thread in TID order gets its own latency CPU.
"$RTBPF" apply -P pt --root "$root" --cpus 2-3 --pid "$child" --only process --dry-run >"$tmp/dry"
grep -q "taskset -pc 2 ${tids[0]} " "$tmp/dry" || fail "per-thread: first thread: $(cat "$tmp/dry")"
grep -q "taskset -pc 3 ${tids[1]} " "$tmp/dry" || fail "per-thread: second thread"
grep -q "taskset -pc 2 ${tids[2]} " "$tmp/dry" || fail "per-thread: third thread wraps"
# For real, on a 2-CPU fake topology: latency CPU 1.
echo 0-1 >"$root/sys/devices/system/cpu/possible"
echo 0-1 >"$root/sys/devices/system/cpu/online"
"$RTBPF" apply -P pt --root "$root" --cpus 1 --pid "$child" --only process >/dev/null
for t in "${tids[@]}"; do
	[ "$(policy "$child" "$t")" = 1 ] || fail "per-thread: $t not FIFO"
	[ "$(tcpus "$child" "$t")" = 1 ] || fail "per-thread: $t on $(tcpus "$child" "$t")"
done
"$RTBPF" check -P pt --root "$root" --cpus 1 --pid "$child" --only process >"$tmp/out"
grep -q "pid $child memlock limit" "$tmp/out" || fail "memlock limit not checked"
"$RTBPF" revert --root "$root" >/dev/null
# busy-poll: SCHED_OTHER at nice -20.
"$RTBPF" apply -P bp --root "$root" --cpus 1 --pid "$child" --only process >"$tmp/out"
grep -q "renice -n -20 -p ${tids[0]}" "$tmp/out" || fail "busy-poll: no renice command"
for t in "${tids[@]}"; do
	[ "$(policy "$child" "$t")" = 0 ] || fail "busy-poll: $t not SCHED_OTHER"
	[ "$(nice_of "$child" "$t")" = -20 ] || fail "busy-poll: $t nice $(nice_of "$child" "$t")"
done
expect_rc 0 "$RTBPF" check -P bp --root "$root" --cpus 1 --pid "$child" --only process >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
after=$(for t in "${tids[@]}"; do echo "$(policy "$child" "$t"):$(nice_of "$child" "$t"):$(tcpus "$child" "$t")"; done)
[ "$after" = "$before" ] || fail "process revert: $after, expected $before"
# The memlock limit: OK only when unlimited (as /proc/PID/limits says).
ml=$(awk '/^Max locked memory/ { print $4 }' "/proc/$child/limits")
st='WARN'
[ "$ml" = unlimited ] && st='OK  '
"$RTBPF" check -P bp --root "$root" --cpus 1 --pid "$child" --only process |
	grep -q "^$st process   pid $child memlock limit .* is $ml" || fail "memlock $ml not $st"

# Boot knobs against a command line that has them all: every item OK, and
# --strict passes; one wrong value is the only WARN (a name past its
# column gets a line of its own, the values stay in their columns).
boot=$tmp/boot
make_tree "$boot"
full='BOOT_IMAGE=/vmlinuz ro isolcpus=managed_irq,domain,2-3 nohz_full=2-3 rcu_nocbs=2-3 irqaffinity=0-1 skew_tick=1 processor.max_cstate=1 intel_idle.max_cstate=0 nosoftlockup rcupdate.rcu_normal_after_boot=1'
put "$boot/proc/cmdline" "$full"
put "$boot/sys/devices/system/cpu/isolated" 2-3
put "$boot/sys/devices/system/cpu/nohz_full" 2-3
expect_rc 0 "$RTBPF" check -P ultra --root "$boot" --cpus 2-3 --only boot --strict >"$tmp/out"
[ "$(grep -c '^OK   boot' "$tmp/out")" -eq 8 ] || fail "boot: not 8 OK items: $(cat "$tmp/out")"
put "$boot/proc/cmdline" "${full/rcu_normal_after_boot=1/rcu_normal_after_boot=0} -- nosoftlockup"
expect_rc 3 "$RTBPF" check -P ultra --root "$boot" --cpus 2-3 --only boot --strict >"$tmp/out"
if [ "$(grep -c '^WARN' "$tmp/out")" -ne 1 ] ||
	! grep -A1 '^WARN boot      rcupdate.rcu_normal_after_boot$' "$tmp/out" |
	grep -q '^ *want .* is 0$'; then
	fail "boot: one wrong value: $(cat "$tmp/out")"
fi
echo "check: ok"
