#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf run, process-local only: `run --fifo 10 --cpus 1 --mlock -- sleep`
# verified through /proc (policy, Cpus_allowed_list, VmLck > 0); the exit
# code of CMD comes back; a profile's policy; bad input exits 2. Then the process stage of
# apply/revert on a sleeping child (fake root for the rest): policy and
# affinity set, then restored exactly. Children only sleep: no FIFO spin.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; exit 77; }
command -v cc >/dev/null || { echo "needs cc to build librtbpf-mlock.so"; exit 77; }

cc -shared -fPIC -O2 -Wall -o "$tmp/librtbpf-mlock.so" \
	"$RTBPF_TOP/user/tune/preload/rtbpf_mlock.c"
export RTBPF_MLOCK_PRELOAD=$tmp/librtbpf-mlock.so

# policy PID: field 41 of /proc/PID/stat (1 FIFO, 2 RR, 0 OTHER).
policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/stat"; }
rtprio() { awk '{ sub(/.*\) /, ""); print $(40 - 2) }' "/proc/$1/stat"; }
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

"$RTBPF" run --fifo 10 --cpus 1 --mlock -- sleep 30 2>"$tmp/run.err" &
child=$!
for _ in $(seq 50); do
	[ "$(readlink "/proc/$child/exe")" = "$(readlink -f "$(command -v sleep)")" ] && break
	sleep 0.1
done
sleep 0.2
[ "$(policy "$child")" = 1 ] || fail "policy $(policy "$child"), expected 1 (SCHED_FIFO)"
[ "$(rtprio "$child")" = 10 ] || fail "rt priority $(rtprio "$child"), expected 10"
[ "$(status "$child" Cpus_allowed_list)" = 1 ] || fail "Cpus_allowed_list $(status "$child" Cpus_allowed_list)"
[ "$(status "$child" VmLck)" -gt 0 ] || fail "VmLck $(status "$child" VmLck) kB, expected > 0"
kill "$child"
wait "$child" 2>/dev/null || true
child=

# The preload stays for the next exec of the same pid (run_mlock.sh);
# CMD's own children are not locked.
# shellcheck disable=SC2016 # expanded by the inner sh
out=$("$RTBPF" run --mlock -- sh -c 'echo "pre=${LD_PRELOAD:-} mark=${RTBPF_MLOCK:-}"
	grep VmLck /proc/$$/status; grep VmLck /proc/self/status' 2>/dev/null)
echo "$out" | grep -qx 'pre=.*librtbpf-mlock.so mark=.*librtbpf-mlock.so' || fail "preload not kept for the next exec: $out"
# sh itself is locked; grep, its child, is not.
[ "$(echo "$out" | sed -n 2p | awk '{ print $2 }')" -gt 0 ] || fail "run --mlock sh not locked: $out"
[ "$(echo "$out" | sed -n 3p | awk '{ print $2 }')" -eq 0 ] || fail "run --mlock: grandchild locked: $out"

# Exit code of CMD; other policies; a missing command.
expect_rc 7 "$RTBPF" run --rr 5 -- sh -c 'exit 7'
out=$("$RTBPF" run --nice -5 --cpus 0 -- sh -c 'grep Cpus_allowed_list /proc/self/status; cut -d" " -f19 /proc/self/stat')
echo "$out" | grep -q 'Cpus_allowed_list:.0$' || fail "run --cpus 0: $out"
echo "$out" | tail -n 1 | grep -qx -- -5 || fail "run --nice -5: $out"
# a profile's process.* keys as the policy (ultra: fifo 80), unless an
# option says otherwise; one that does not load: 2
out=$("$RTBPF" run -P ultra -- sh -c 'cut -d" " -f40,41 /proc/self/stat')
[ "$out" = "80 1" ] || fail "run -P ultra: rt priority, policy '$out', want '80 1'"
out=$("$RTBPF" run -P ultra --nice 3 -- sh -c 'cut -d" " -f19,41 /proc/self/stat')
[ "$out" = "3 0" ] || fail "run -P ultra --nice 3: nice, policy '$out', want '3 0'"
expect_rc 2 "$RTBPF" run -P nosuch -- true 2>/dev/null
expect_rc 127 "$RTBPF" run -- /nonexistent/cmd 2>/dev/null
expect_rc 2 "$RTBPF" run --fifo 100 -- true 2>/dev/null
expect_rc 2 "$RTBPF" run --fifo 10 --rr 10 -- true 2>/dev/null
expect_rc 2 "$RTBPF" run --cpus 4096 -- true 2>/dev/null
expect_rc 2 "$RTBPF" run --cpus 999 -- true 2>/dev/null
expect_rc 2 "$RTBPF" run --fifo 10 2>/dev/null
# a preload named by RTBPF_MLOCK_PRELOAD that is missing: exit 1 (run_preload.sh)
RTBPF_MLOCK_PRELOAD=$tmp/none.so expect_rc 1 "$RTBPF" run --mlock -- true 2>/dev/null

# process stage: a sleeping child gets FIFO 80 on CPU 1, revert restores.
root=$tmp/root
make_tree "$root"
echo 0-1 >"$root/sys/devices/system/cpu/possible"
echo 0-1 >"$root/sys/devices/system/cpu/online"
sleep 30 &
child=$!
before=$(policy "$child"):$(status "$child" Cpus_allowed_list)
expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus 1 --pid "$child" --only process >/dev/null
"$RTBPF" apply -P ultra --root "$root" --cpus 1 --pid "$child" --only process >"$tmp/out"
grep -q "chrt -f -p 80 $child" "$tmp/out" || fail "apply did not print the chrt command"
[ "$(policy "$child")" = 1 ] || fail "process stage: not FIFO"
[ "$(rtprio "$child")" = 80 ] || fail "process stage: priority not 80"
[ "$(status "$child" Cpus_allowed_list)" = 1 ] || fail "process stage: affinity"
"$RTBPF" check -P ultra --root "$root" --cpus 1 --pid "$child" --only process >"$tmp/out"
grep -q "VmLck 0 kB" "$tmp/out" || fail "check lacks VmLck"
"$RTBPF" revert --root "$root" >/dev/null
[ "$(policy "$child"):$(status "$child" Cpus_allowed_list)" = "$before" ] ||
	fail "process stage revert: $(policy "$child"):$(status "$child" Cpus_allowed_list), expected $before"

# FIFO refused (RTBPF_FAULT_FIFO makes the stage's SCHED_FIFO call fail
# with EPERM): SCHED_RR at the same priority, a WARN in check, revert exact.
RTBPF_FAULT_FIFO=1 "${RTBPF_HOOKED:-$RTBPF}" apply -P ultra --root "$root" --cpus 1 --pid "$child" \
	--only process >"$tmp/out" 2>"$tmp/err"
grep -q "SCHED_FIFO refused.*SCHED_RR 80 instead" "$tmp/err" || fail "no RR fallback warning"
[ "$(policy "$child")" = 2 ] || fail "fallback: policy $(policy "$child"), want SCHED_RR (2)"
[ "$(rtprio "$child")" = 80 ] || fail "fallback: priority not 80"
expect_rc 0 "$RTBPF" check -P ultra --root "$root" --cpus 1 --pid "$child" --only process >"$tmp/out"
grep -q "^WARN process .*tid $child" "$tmp/out" || fail "check: RR fallback not a WARN"
"$RTBPF" revert --root "$root" >/dev/null
[ "$(policy "$child"):$(status "$child" Cpus_allowed_list)" = "$before" ] ||
	fail "fallback revert: $(policy "$child"):$(status "$child" Cpus_allowed_list), expected $before"
echo "run: ok"
