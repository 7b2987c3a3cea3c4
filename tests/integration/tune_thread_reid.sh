#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Thread records are re-identified before revert touches them. A TID is
# reused once its thread exits; the journal keeps each thread's start time
# (field 22 of its stat) and revert leaves a thread with another start time
# alone, with a warning naming the tid.
#  1. threads stage on a fake root: a thread whose stat shows a new start
#     time (its TID reused) keeps its new affinity; an exited one is
#     reported; the rest is restored.
#  2. process stage, real TID reuse in a PID namespace: a child is made
#     FIFO 80 on CPU 1 and exits; ns_last_pid hands its pid to a new
#     process that already runs FIFO 80 on CPU 1; revert leaves it so.
#  3. under --root no host thread is touched: --pid of a process outside
#     this session is refused by apply, and a journal record naming it (with
#     its true start time) makes revert refuse the whole journal: nothing
#     changed, its policy included.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
export LC_ALL=C
fixture_tmp
policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/task/$1/stat"; }
start_of() { awk '{ sub(/.*\) /, ""); print $(22 - 2) }' "/proc/$1/task/$1/stat"; }
comm_of() { cat "/proc/$1/comm" 2>/dev/null || true; }
cpus_of() { awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$1/status"; }

# 1. Fake root, threads stage.
make_tree "$root"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only threads >/dev/null
t=$root/proc/500/task/501
[ "$(val "$t/affinity")" = 0-1 ] || fail "threads: tid 501 not moved ($(val "$t/affinity"))"
grep -q "affinity threads =/proc/500/task/501/affinity =3%0A =3 =0-1 =501 =100\$" "$root/var/lib/rtbpf/state" ||
	fail "threads: no start time in the journal: $(grep 501 "$root/var/lib/rtbpf/state")"
# tid 501 exits; a new thread gets TID 501 (later start time) and happens
# to run on what rtbpf wrote: an older revert moved it to CPU 3.
sed -i 's/ 0 100 0 0 / 0 250 0 0 /' "$t/stat"
echo 0-1 >"$t/affinity"
rm -rf "$root/proc/600"
"$RTBPF" revert --root "$root" >"$tmp/out" 2>"$tmp/err" || fail "threads: revert failed: $(cat "$tmp/err")"
grep -q 'tid 501 is another thread now (started at tick 250, the one rtbpf changed at 100): its TID was reused; left alone' "$tmp/err" ||
	fail "threads: reuse not reported: $(cat "$tmp/err")"
grep -q 'tid 600 has exited' "$tmp/err" || fail "threads: exit not reported: $(cat "$tmp/err")"
[ "$(val "$t/affinity")" = 0-1 ] || fail "threads: the new tid 501 was changed to $(val "$t/affinity")"
[ "$(val "$root/proc/1/task/1/affinity")" = 0-3 ] || fail "threads: tid 1 not restored"
[ ! -e "$root/var/lib/rtbpf/state" ] || fail "threads: state file kept"

# 2. Process stage, a real TID reused inside a PID namespace.
rm -rf "$root"
make_tree "$root"
echo 0-1 >"$root/sys/devices/system/cpu/possible"
echo 0-1 >"$root/sys/devices/system/cpu/online"
cat >"$tmp/reuse.sh" <<'EOF'
set -eu
RTBPF=$1 root=$2 out=$3
policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/task/$1/stat"; }
sleep 300 &
child=$!
"$RTBPF" apply -P ultra --root "$root" --cpus 1 --pid "$child" --only process >/dev/null
[ "$(policy "$child")" = 1 ] || { echo "apply: not FIFO" >"$out"; exit 1; }
kill "$child"
wait "$child" 2>/dev/null || true
# start times are in clock ticks (10 ms at USER_HZ 100): a pid reused in
# the tick its first holder started in cannot be told apart, which only a
# test is fast enough to do
sleep 0.05
echo $((child - 1)) >/proc/sys/kernel/ns_last_pid
chrt -f 80 taskset -c 1 sleep 300 &
new=$!
[ "$new" = "$child" ] || { echo "skip: pid $new, not $child" >"$out"; kill "$new"; exit 0; }
rc=0
"$RTBPF" revert --root "$root" >/dev/null 2>"$out.err" || rc=$?
echo "rc=$rc pid=$new policy=$(policy "$new") cpus=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$new/status")" >"$out"
kill "$new"
EOF
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
	echo "skip: no PID namespace here" >"$tmp/reuse.out"
else
	unshare --pid --fork --mount-proc bash "$tmp/reuse.sh" "$RTBPF" "$root" "$tmp/reuse.out" ||
		fail "TID reuse: $(cat "$tmp/reuse.out" 2>/dev/null)"
fi
if grep -q '^skip' "$tmp/reuse.out"; then
	echo "note: TID reuse not reproduced ($(cat "$tmp/reuse.out")); part 2 skipped"
else
	pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' "$tmp/reuse.out")
	grep -q "rc=0 pid=$pid policy=1 cpus=1\$" "$tmp/reuse.out" ||
		fail "TID reuse: the new process was changed: $(cat "$tmp/reuse.out" "$tmp/reuse.out.err")"
	grep -q "tid $pid is another thread now" "$tmp/reuse.out.err" ||
		fail "TID reuse: no warning: $(cat "$tmp/reuse.out.err")"
fi

# 3. Under --root, a process of another session is the host's: untouched.
rm -rf "$root"
make_tree "$root"
setsid sleep 300 &
child=$!
for _ in $(seq 50); do
	[ "$(comm_of "$child")" = sleep ] && break
	sleep 0.1
done
[ "$(ps -o sid= -p "$child")" != "$(ps -o sid= -p $$)" ] || fail "setsid sleep is in this session"
before=$(policy "$child"):$(cpus_of "$child")
expect_rc 1 "$RTBPF" apply -P ultra --root "$root" --cpus 1 --pid "$child" --only process >/dev/null 2>"$tmp/err"
grep -q 'not a thread of this session: under --root rtbpf changes only real threads of its own session' "$tmp/err" ||
	fail "foreign session: apply message: $(cat "$tmp/err")"
[ "$(policy "$child"):$(cpus_of "$child")" = "$before" ] || fail "foreign session: apply changed it"
[ ! -e "$root/var/lib/rtbpf/state" ] || fail "foreign session: apply journaled something"
# A record naming it, with its true start time and its current value as
# what rtbpf wrote: an older rtbpf would have made it FIFO 10.
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only sysctl >/dev/null
body="sched process =tid:$child =fifo:10@0 =fifo:10@0 =other:0@$(cpus_of "$child") =$child =$(start_of "$child")"
printf '%s %s\n' "$(fnv1a "$body")" "$body" >>"$root/var/lib/rtbpf/state"
cp -a "$root" "$tmp/before-revert"
expect_rc 1 "$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err"
grep -q "tid:$child names a thread outside this session.*nothing changed" "$tmp/err" ||
	fail "foreign session: revert message: $(cat "$tmp/err")"
# refused whole: the sysctl records before it are not restored either
diff -r "$root" "$tmp/before-revert" >/dev/null || fail "foreign session: revert changed the tree"
[ "$(policy "$child"):$(cpus_of "$child")" = "$before" ] || fail "foreign session: revert changed it to $(policy "$child")"
[ -e "$root/var/lib/rtbpf/state" ] || fail "foreign session: state file removed"
# The same record with another start time: that TID was reused by the
# foreign thread since apply. The record is skipped, not the journal: the
# rest is restored and the foreign thread left alone.
sed -i '$d' "$root/var/lib/rtbpf/state"
body="sched process =tid:$child =fifo:10@0 =fifo:10@0 =other:0@$(cpus_of "$child") =$child =$(($(start_of "$child") - 1))"
printf '%s %s\n' "$(fnv1a "$body")" "$body" >>"$root/var/lib/rtbpf/state"
"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" || fail "reused TID in another session: revert failed: $(cat "$tmp/err")"
grep -q "tid $child is another thread now" "$tmp/err" || fail "reused TID: no warning: $(cat "$tmp/err")"
[ "$(policy "$child"):$(cpus_of "$child")" = "$before" ] || fail "reused TID: revert changed it"
[ ! -e "$root/var/lib/rtbpf/state" ] || fail "reused TID: state file kept after a complete revert"
echo "thread re-identification: ok"
