#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf run --user, process-local and real, against /proc of the child:
# - `--user nobody --fifo 10 --cpus 1 -- sleep`: Uid and Gid lines all
#   nobody's (real, effective, saved, fs), Groups as /etc/group says, no
#   capability left, FIFO 10 on CPU 1 (set as root, before the switch),
#   HOME, USER and LOGNAME from /etc/passwd.
# - `--user nobody:GID`: that group as the primary one.
# - `--user nobody --mlock`: the child is locked (run raised or kept
#   RLIMIT_MEMLOCK before the switch), or, when the limit left to it is
#   too small, refused (exit 126) with the pid and the reason.
# - a bad user, group or spec: exit 2, CMD never started; a preload nobody
#   cannot read: exit 1, CMD never started.
# Children only sleep: no FIFO spin.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
getent passwd nobody >/dev/null || skip "no user nobody"
chmod 755 "$T"

policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/stat"; }
rtprio() { awk '{ sub(/.*\) /, ""); print $(40 - 2) }' "/proc/$1/stat"; }
status() { awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"; }
env_of() { tr '\0' '\n' <"/proc/$1/environ" | grep "^$2=" | cut -d= -f2-; }
# wait_exe PID PATH: until PID runs PATH (5 s).
wait_exe() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(readlink "/proc/$1/exe")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

uid=$(id -u nobody)
gid=$(id -g nobody)
home=$(getent passwd nobody | cut -d: -f6)
# what initgroups gives from the files: the primary group and every
# group of /etc/group that lists nobody
groups=$( (echo "$gid"; awk -F: '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == "nobody") print $3 }' /etc/group) | sort -un | tr '\n' ' ')
sleep_exe=$(readlink -f "$(command -v sleep)")

start_bg user "$RTBPF" run --user nobody --fifo 10 --cpus 1 -- sleep 30
pid=$bg_pid
wait_exe "$pid" "$sleep_exe" || fail "sleep did not start: $(cat "$T/user.err")"
[ "$(status "$pid" Uid)" = "$uid $uid $uid $uid" ] || fail "Uid: $(status "$pid" Uid), want $uid x4"
[ "$(status "$pid" Gid)" = "$gid $gid $gid $gid" ] || fail "Gid: $(status "$pid" Gid), want $gid x4"
got=$(status "$pid" Groups | tr ' ' '\n' | grep . | sort -un | tr '\n' ' ')
[ "$got" = "$groups" ] || fail "Groups: '$got', want '$groups'"
[ "$(status "$pid" CapPrm)" = 0000000000000000 ] || fail "CapPrm $(status "$pid" CapPrm)"
[ "$(status "$pid" CapEff)" = 0000000000000000 ] || fail "CapEff $(status "$pid" CapEff)"
[ "$(policy "$pid"):$(rtprio "$pid")" = 1:10 ] ||
	fail "policy $(policy "$pid") priority $(rtprio "$pid"), want SCHED_FIFO 10"
[ "$(status "$pid" Cpus_allowed_list)" = 1 ] || fail "affinity $(status "$pid" Cpus_allowed_list)"
[ "$(env_of "$pid" HOME)" = "$home" ] || fail "HOME=$(env_of "$pid" HOME), want $home"
[ "$(env_of "$pid" USER)" = nobody ] || fail "USER=$(env_of "$pid" USER)"
[ "$(env_of "$pid" LOGNAME)" = nobody ] || fail "LOGNAME=$(env_of "$pid" LOGNAME)"
ok "nobody: uid/gid $uid/$gid, groups $groups, no caps, FIFO 10 on CPU 1"
stop_bg "$pid" TERM

# an explicit GROUP (numeric: any GID will do) is the primary group
start_bg group "$RTBPF" run --user nobody:4242 -- sleep 30
pid=$bg_pid
wait_exe "$pid" "$sleep_exe" || fail "sleep did not start: $(cat "$T/group.err")"
[ "$(status "$pid" Gid)" = "4242 4242 4242 4242" ] || fail "Gid: $(status "$pid" Gid), want 4242 x4"
status "$pid" Groups | tr ' ' '\n' | grep -qx 4242 || fail "Groups lack 4242: $(status "$pid" Groups)"
ok "nobody:4242: Gid $(status "$pid" Gid | cut -d" " -f1)"
stop_bg "$pid" TERM

# --mlock as nobody: the preload must be readable by nobody
cp "$RTBPF_BUILD/lib/librtbpf-mlock.so" "$T/"
chmod 644 "$T/librtbpf-mlock.so"
export RTBPF_MLOCK_PRELOAD=$T/librtbpf-mlock.so
start_bg lock "$RTBPF" run --user nobody --mlock -- sleep 30
pid=$bg_pid
wait_exe "$pid" "$sleep_exe" || fail "sleep did not start: $(cat "$T/lock.err")"
sleep 0.2
kb=$(status "$pid" VmLck | awk '{ print $1 }')
[ "$kb" -gt 0 ] || fail "nobody --mlock: VmLck $kb kB"
[ "$(status "$pid" Uid | cut -d" " -f1)" = "$uid" ] || fail "nobody --mlock: not nobody"
ok "nobody --mlock: $kb kB locked (RLIMIT_MEMLOCK $(awk '/Max locked memory/ { print $4 }' "/proc/$pid/limits"))"
stop_bg "$pid" TERM
# a limit run cannot raise (hard limit 0, unless run has CAP_SYS_RESOURCE)
rc=0
(ulimit -l 0 && exec "$RTBPF" run --user nobody --mlock -- true) 2>"$T/lim.err" || rc=$?
if grep -q "RLIMIT_MEMLOCK stays at 0" "$T/lim.err"; then
	[ "$rc" = 126 ] || fail "mlockall refused yet exit $rc: $(cat "$T/lim.err")"
	grep -q "pid [0-9]* (true): mlockall.*not started" "$T/lim.err" ||
		fail "no pid and reason: $(cat "$T/lim.err")"
	ok "RLIMIT_MEMLOCK 0: $(grep mlockall "$T/lim.err")"
else
	[ "$rc" = 0 ] || fail "run raised RLIMIT_MEMLOCK yet exit $rc: $(cat "$T/lim.err")"
	ok "RLIMIT_MEMLOCK 0 raised by run"
fi
chmod 600 "$T/librtbpf-mlock.so"
"$RTBPF" run --user nobody --mlock -- touch "$T/started" 2>"$T/read.err" && fail "unreadable preload: run went on"
grep -q "nobody cannot read $T/librtbpf-mlock.so" "$T/read.err" || fail "no reason: $(cat "$T/read.err")"
[ ! -e "$T/started" ] || fail "unreadable preload: CMD started"
unset RTBPF_MLOCK_PRELOAD

# bad input: exit 2, nothing started
for spec in no-such-user-h5 nobody:no-such-group-h5 "" : nobody: :nogroup; do
	rc=0
	"$RTBPF" run --user "$spec" -- touch "$T/started" 2>"$T/bad.err" || rc=$?
	[ "$rc" = 2 ] || fail "--user '$spec': exit $rc, want 2"
	grep -q -- "--user" "$T/bad.err" || fail "--user '$spec': no message naming --user"
	[ ! -e "$T/started" ] || fail "--user '$spec': CMD started"
done
ok "bad --user: exit 2, nothing started ($(head -n 1 "$T/bad.err"))"
