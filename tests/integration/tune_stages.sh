#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The threads, irqbalance and limits stages on a fake root: apply, check
# OK, revert, tree byte-identical; the --pid process excluded from the
# threads stage; irqbalance's file edited in place and restored byte for
# byte; limits.d/99-rtbpf.conf created and removed again, with a SIGKILL
# after every step. Threads are moved only in the fake tree (its affinity
# files): a guard compares the real affinities before and after.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp
make_tree "$tmp/orig"
fresh() { rm -rf "$root" && cp -a "$tmp/orig" "$root"; }
aff() { val "$root/proc/$1/task/$2/affinity"; }
real_affinities() {
	grep -h Cpus_allowed_list /proc/1/status /proc/$$/status /proc/self/status
}
host_before=$(real_affinities)

# threads: movable threads and kthreads to housekeeping, per-CPU ones kept.
fresh
expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only threads >"$tmp/out"
grep -q '^FAIL threads   tid 501 app-pinned' "$tmp/out" || fail "check: app-pinned not reported"
grep -q '2 PF_NO_SETAFFINITY, 1 per-CPU kthreads' "$tmp/out" || fail "check: skipped counts"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only threads --dry-run >"$tmp/dry"
grep -qx "echo 0-1 > $root/proc/500/task/501/affinity" "$tmp/dry" || fail "dry run: thread command"
same_tree "$root" "$tmp/orig" || fail "threads dry run changed the tree"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only threads >"$tmp/out"
grep -q '^applied 6 changes' "$tmp/out" || fail "threads: $(tail -n 1 "$tmp/out")"
for t in 1/1 2/2 41/41 500/500 500/501; do
	[ "$(aff "${t%/*}" "${t#*/}")" = 0-1 ] || fail "thread $t: $(aff "${t%/*}" "${t#*/}")"
done
[ "$(aff 600 600)" = 1 ] || fail "logger keeps its housekeeping CPU 1: $(aff 600 600)"
[ "$(aff 700 700)" = 0-1 ] || fail "batch untouched"
[ "$(aff 15 15)" = 2 ] || fail "PF_NO_SETAFFINITY ksoftirqd moved"
[ "$(aff 16 16)" = 3 ] || fail "PF_NO_SETAFFINITY migration moved"
[ "$(aff 40 40)" = 3 ] || fail "per-CPU kthread moved"
expect_rc 0 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only threads >"$tmp/out"
grep -q '^OK   threads   threads .* 0 on latency CPUs' "$tmp/out" || fail "threads check after apply"
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "threads: tree differs after revert"

# The --pid process is excluded (its threads are the process stage's).
sleep 300 &
child=$!
fresh
add_task "$root" "$child" "$child" sleeper "$PF_USER" 0-3
cp -a "$root" "$tmp/withchild"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only threads --pid "$child" >/dev/null
[ "$(aff "$child" "$child")" = 0-3 ] || fail "--pid thread moved"
"$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only threads --pid "$child" -v |
	grep -q '1 threads of --pid' || fail "--pid exclusion not counted"
"$RTBPF" revert --root "$root" >/dev/null
diff -r -x rtbpf "$root" "$tmp/withchild" >/dev/null || fail "--pid: tree differs after revert"
kill "$child"
wait "$child" 2>/dev/null || true
child=
[ "$(real_affinities)" = "$host_before" ] || fail "a real thread's affinity changed"

# irqbalance: the banned list appended, then restored byte for byte.
fresh
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only irqbalance >"$tmp/out"
grep -q 'not restarted under --root' "$tmp/out" || fail "irqbalance: restart under --root"
tail -n 1 "$root/etc/default/irqbalance" | grep -qx 'IRQBALANCE_BANNED_CPULIST=2-3' ||
	fail "irqbalance: line not appended"
head -n -1 "$root/etc/default/irqbalance" | cmp -s - "$tmp/orig/etc/default/irqbalance" ||
	fail "irqbalance: other lines changed"
expect_rc 0 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only irqbalance >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "irqbalance: tree differs after revert"
# Set already (quoted, to another list) and no final newline: only that
# line changes; revert restores the exact bytes.
printf '# x\nIRQBALANCE_BANNED_CPULIST="0"\nIRQBALANCE_ARGS=-t 10' >"$root/etc/default/irqbalance"
cp "$root/etc/default/irqbalance" "$tmp/irqb"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only irqbalance >/dev/null
[ "$(cat "$root/etc/default/irqbalance")" = "$(printf '# x\nIRQBALANCE_BANNED_CPULIST=2-3\nIRQBALANCE_ARGS=-t 10')" ] ||
	fail "irqbalance: replace: $(cat "$root/etc/default/irqbalance")"
"$RTBPF" revert --root "$root" >/dev/null
cmp -s "$root/etc/default/irqbalance" "$tmp/irqb" || fail "irqbalance: not byte-identical"
rm "$root/etc/default/irqbalance"
"$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only irqbalance | grep -q '^SKIP .*not installed' ||
	fail "irqbalance: not installed not skipped"

# limits: WARN without grants; limits.write creates and revert removes.
fresh
expect_rc 0 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only limits >"$tmp/out"
grep -q '^WARN limits    realtime group .* is missing' "$tmp/out" || fail "limits: group"
grep -q '^WARN limits    limits memlock' "$tmp/out" || fail "limits: memlock"
mkdir -p "$root/etc/rtbpf/profiles.d"
printf '%s\n' 'include = ultra' 'limits.write = on' >"$root/etc/rtbpf/profiles.d/lim.conf"
echo 'realtime:x:130:trader' >>"$root/etc/group"
cp -a "$root" "$tmp/lim"
expect_rc 3 "$RTBPF" check -P lim --root "$root" --cpus 2-3 --only limits >/dev/null
"$RTBPF" apply -P lim --root "$root" --cpus 2-3 --only limits >/dev/null
grep -qx '@realtime - memlock unlimited' "$root/etc/security/limits.d/99-rtbpf.conf" || fail "limits: file"
expect_rc 0 "$RTBPF" check -P lim --root "$root" --cpus 2-3 --only limits >"$tmp/out"
grep -q '^OK   limits    realtime group .*members: trader' "$tmp/out" || fail "limits: group member"
grep -q '^OK   limits    limits rtprio @realtime .* is 99' "$tmp/out" || fail "limits: rtprio after apply"
"$RTBPF" revert --root "$root" >/dev/null
diff -r -x rtbpf "$root" "$tmp/lim" >/dev/null || fail "limits: tree differs after revert"
# Changed by someone after apply: kept, unless --force.
"$RTBPF" apply -P lim --root "$root" --cpus 2-3 --only limits >/dev/null
echo '# mine' >>"$root/etc/security/limits.d/99-rtbpf.conf"
expect_rc 1 "$RTBPF" revert --root "$root" >/dev/null 2>&1
[ -e "$root/etc/security/limits.d/99-rtbpf.conf" ] || fail "limits: changed file removed"
"$RTBPF" revert --root "$root" --force >/dev/null
diff -r -x rtbpf "$root" "$tmp/lim" >/dev/null || fail "limits: --force revert"
# An existing 99-rtbpf.conf is rewritten and restored, not removed.
echo '@audio - rtprio 10' >"$root/etc/security/limits.d/99-rtbpf.conf"
cp -a "$root" "$tmp/lim2"
"$RTBPF" apply -P lim --root "$root" --cpus 2-3 --only limits >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
diff -r -x rtbpf "$root" "$tmp/lim2" >/dev/null || fail "limits: existing file not restored"
rm -rf "$tmp/lim2"

# A SIGKILL after every journal record and every write, then revert.
rm -rf "$root" && cp -a "$tmp/lim" "$root"
# the test build: the fault runs set RTBPF_FAULT
apply() { "${RTBPF_HOOKED:-$RTBPF}" apply -P lim --root "$root" --cpus 2-3 --only threads,irqbalance,limits; }
n=$(apply | sed -n 's/^applied \([0-9]*\) changes.*/\1/p')
[ "${n:-0}" -eq 8 ] || fail "expected 8 changes, got '$n'"
"$RTBPF" revert --root "$root" >/dev/null
for kind in journal write; do
	for ((k = 1; k <= n; k++)); do
		rm -rf "$root" && cp -a "$tmp/lim" "$root"
		rc=0
		RTBPF_FAULT=$kind:$k apply >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 137 ] || fail "fault $kind:$k: apply exited $rc"
		"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" ||
			{ cat "$tmp/err"; fail "fault $kind:$k: revert failed"; }
		diff -r -x rtbpf "$root" "$tmp/lim" >/dev/null || fail "fault $kind:$k: tree differs"
	done
done
[ "$(real_affinities)" = "$host_before" ] || fail "a real thread's affinity changed"

# cpufreq boost (a site policy no built-in profile sets): the global switch
# and every policy that has one; other power knobs left alone.
fresh
printf 'power.boost = 1\n' >"$tmp/boost.conf"
"$RTBPF" apply -P "$tmp/boost.conf" --root "$root" --cpus 2-3 --only power >"$tmp/out"
grep -q '^applied 3 changes' "$tmp/out" || fail "boost: $(tail -n 1 "$tmp/out")"
for f in cpufreq/boost cpufreq/policy0/boost cpufreq/policy2/boost; do
	[ "$(val "$root/sys/devices/system/cpu/$f")" = 1 ] || fail "boost: $f not 1"
done
[ "$(val "$root/sys/firmware/acpi/platform_profile")" = balanced ] ||
	fail "boost profile changed the platform profile"
expect_rc 0 "$RTBPF" check -P "$tmp/boost.conf" --root "$root" --cpus 2-3 --only power >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "boost: tree differs after revert"
echo "stages: ok (threads, irqbalance, limits; $n faults x 2)"
