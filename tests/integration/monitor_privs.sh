#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Once attached, the monitor runs with no capability (privs.h): while it
# runs, /proc/PID/status of the monitor shows CapEff, CapPrm, CapInh,
# CapAmb and CapBnd empty, NoNewPrivs 1, and every uid and gid nobody's,
# with no supplementary group (root without capabilities still owns
# root's files). (On kernels before 6.5 with
# kernel.unprivileged_bpf_disabled set, bpf() on a map fd may need CAP_BPF:
# there CAP_BPF alone is accepted in CapEff and CapPrm.) The monitor must
# still work without them: wakegen, run as nobody, wakes its sleeper N
# times; the monitor filtered to the sleeper counts N (up to N + 2) on the
# sleeper's CPU, and its spike reports name the waker, a thread of another
# user, by the name read from /proc/PID/comm after the drop.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
getent passwd nobody >/dev/null || skip "no user nobody"
command -v jq >/dev/null || skip "needs jq"
N=500
chmod 755 "$T"

status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
cap_bpf=0000008000000000

# the monitor's expected set: empty, unless this kernel gates bpf() on fds
read -r major minor _ < <(uname -r | tr '.-' '  ')
gated=no
if [ "$major" -lt 6 ] || { [ "$major" = 6 ] && [ "$minor" -lt 5 ]; }; then
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null || echo 0)" = 0 ] || gated=maybe
fi

rm -f "$T/go"
# wakegen locks its memory: as nobody, under RLIMIT_MEMLOCK, its thread
# stacks (RLIMIT_STACK each) must fit
start_bg gen bash -c 'ulimit -s 1024 && exec "$@"' - "$RTBPF" run --user nobody -- \
	"$WAKEGEN" pingpong --count "$N" --waker-cpu 0 --sleeper-cpu 1 --go "$T/go"
gen_pid=$bg_pid
wait_line "$T/gen.out" '^ready' || fail "wakegen did not start: $(cat "$T/gen.err")"
sleeper=$(sed -n 's/.*sleeper=\([0-9]*\).*/\1/p' "$T/gen.out")
waker=$(sed -n 's/.*waker=\([0-9]*\).*/\1/p' "$T/gen.out")
[ "$(awk '$1 == "Uid:" { print $2 }' "/proc/$gen_pid/status")" = "$(id -u nobody)" ] ||
	fail "wakegen does not run as nobody"

start_bg mon "$RTBPF" monitor -v --tid "$sleeper" --json --interval 250ms --threshold 1us
mon_pid=$bg_pid
wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"
for k in CapEff CapPrm CapInh CapAmb CapBnd NoNewPrivs; do
	echo "monitor $k: $(status "$mon_pid" "$k")"
done
eff=$(status "$mon_pid" CapEff)
prm=$(status "$mon_pid" CapPrm)
[ "$eff" = "$prm" ] || fail "CapEff $eff differs from CapPrm $prm"
case $gated:$eff in
no:0000000000000000 | maybe:0000000000000000 | maybe:"$cap_bpf") ;;
*) fail "monitor keeps capabilities $eff (gated bpf(): $gated)" ;;
esac
[ "$(status "$mon_pid" CapInh)" = 0000000000000000 ] || fail "CapInh $(status "$mon_pid" CapInh)"
[ "$(status "$mon_pid" CapAmb)" = 0000000000000000 ] || fail "CapAmb $(status "$mon_pid" CapAmb)"
[ "$(status "$mon_pid" CapBnd)" = "$eff" ] || fail "CapBnd $(status "$mon_pid" CapBnd), want $eff"
[ "$(status "$mon_pid" NoNewPrivs)" = 1 ] || fail "NoNewPrivs $(status "$mon_pid" NoNewPrivs)"
# all_ids PID KEY: the four ids of a Uid:/Gid: line if equal, else the line
all_ids() { awk -v k="$2:" '$1 == k { print ($2 == $3 && $3 == $4 && $4 == $5) ? $2 : $0 }' "/proc/$1/status"; }
[ "$(all_ids "$mon_pid" Uid)" = "$(id -u nobody)" ] || fail "monitor uids: $(all_ids "$mon_pid" Uid), want all nobody's"
[ "$(all_ids "$mon_pid" Gid)" = "$(id -g nobody)" ] || fail "monitor gids: $(all_ids "$mon_pid" Gid), want all nobody's"
[ "$(awk '$1 == "Groups:" { print NF - 1 }' "/proc/$mon_pid/status")" = 0 ] ||
	fail "monitor keeps supplementary groups: $(grep Groups: "/proc/$mon_pid/status")"
grep -q "capabilities dropped; kept: " "$T/mon.err" || fail "no message on what was kept"
ok "monitor after attach: uid/gid nobody, CapEff=CapPrm=CapBnd=$eff, NoNewPrivs 1 ($(grep -o 'kept: .*' "$T/mon.err"))"

touch "$T/go"
wait "$gen_pid" || fail "wakegen failed: $(cat "$T/gen.err")"
stop_bg "$mon_pid" INT
[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc: $(cat "$T/mon.err")"
no_progs_left || fail "BPF programs left after the monitor stopped"

uw=$(tail -n 1 "$T/gen.out" | jq .wakeups)
bw=$(jq -s '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1) | .wakeups] | add // 0' "$T/mon.out")
[ "$uw" = "$N" ] || fail "wakegen made $uw wakeups, not $N"
[ "$bw" -ge "$N" ] || fail "counted $bw wakeups on CPU 1 < $N made"
[ "$bw" -le $((N + 2)) ] || fail "counted $bw wakeups on CPU 1 for $N made"
named=$(jq -s "[.[] | select(.type==\"spike\") | .parts[] |
	select(.kind==\"delivery\" and .pid==$waker and .comm==\"rtbpf-waker\")] | length" "$T/mon.out")
spikes=$(jq -s '[.[] | select(.type=="spike")] | length' "$T/mon.out")
[ "$spikes" -ge 1 ] || fail "no spike report at a 1us threshold"
[ "$named" -ge 1 ] || fail "no spike names the waker $waker (nobody's) as rtbpf-waker: $(jq -c 'select(.type=="spike") | .parts' "$T/mon.out" | head -n 3)"
ok "$bw wakeups counted for $N; $named of $spikes spike reports name nobody's waker"

# Root trimmed of CAP_SETUID/CAP_SETGID (a unit's CapabilityBoundingSet=)
# still runs: it stays uid 0, without capabilities, and says so.
if command -v capsh >/dev/null; then
	capsh --drop=cap_setuid,cap_setgid -- -c "exec \"$RTBPF\" monitor --json --duration 300ms" \
		>"$T/trim.out" 2>"$T/trim.err" || fail "monitor without CAP_SETUID: $(cat "$T/trim.err")"
	grep -q 'stays uid 0' "$T/trim.err" || fail "no word on staying uid 0: $(cat "$T/trim.err")"
	grep -q '"type":"summary"' "$T/trim.out" || fail "no summary without CAP_SETUID"
	ok "root without CAP_SETUID/CAP_SETGID: runs as uid 0 without capabilities"
fi
