#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Ground truth for the fault and IPI collectors:
#  - a process pinned to CPU 1 touches N fresh pages: at least N user page
#    faults on CPU 1, and at least N attributed to that process;
#  - a thread on CPU 0 unmaps memory that a thread of the same process on
#    CPU 1 is using, K times: IPIs on CPU 1 attributed to the unmapping
#    thread and to CPU 0.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
NOISEGEN=$RTBPF_BUILD/tests/noisegen
N=3000
K=500

start_bg mon "$RTBPF" monitor --collectors fault,ipi --json --interval 250ms
mon_pid=$bg_pid
wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"

start_bg flt "$NOISEGEN" faults --go "$T/go" --pages "$N" --cpu-b 1
flt_pid=$bg_pid
wait_line "$T/flt.out" '^ready' || fail "noisegen faults did not start"
touch "$T/go"
wait "$flt_pid" || fail "noisegen faults failed"
rm -f "$T/go"
start_bg ipi "$NOISEGEN" ipi --go "$T/go" --rounds "$K" --cpu-a 0 --cpu-b 1
ipi_pid=$bg_pid
wait_line "$T/ipi.out" '^ready' || fail "noisegen ipi did not start"
sender=$(sed -n 's/.*tid=\([0-9]*\).*/\1/p' "$T/ipi.out")
touch "$T/go"
wait "$ipi_pid" || fail "noisegen ipi failed"
sleep 0.3
stop_bg "$mon_pid" INT
[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc: $(cat "$T/mon.err")"
no_progs_left || fail "programs left after SIGINT"

cpu1=$(jq -c 'select(.type=="summary") | .cpus[] | select(.cpu==1) | .noise' "$T/mon.out")
[ -n "$cpu1" ] || fail "no noise figures for CPU 1"
uf=$(jq .faults_user <<<"$cpu1")
tf=$(jq --argjson p "$flt_pid" '[.fault_tasks[] | select(.pid==$p) | .user] | add // 0' <<<"$cpu1")
bad=$(jq '[.fault_tasks[] | select(.user + .kernel != .count)] | length' <<<"$cpu1")
[ "$bad" = 0 ] || fail "fault_tasks: user + kernel != count: $cpu1"
echo "CPU 1: $uf user faults; the faulting process: $tf user faults; made: $N"
[ "$uf" -ge "$N" ] || fail "CPU 1 counted $uf user faults < $N"
[ "$tf" -ge "$N" ] || fail "process $flt_pid counted $tf user faults < $N"
ok "faults: $uf on CPU 1, $tf attributed to the process (>= $N)"

senders=$(jq -c '.ipi_senders' <<<"$cpu1")
echo "CPU 1 IPI senders: $senders"
got=$(jq --argjson p "$sender" '[.[] | select(.pid==$p and .cpu==0) | .count] | add // 0' <<<"$senders")
[ "$got" -ge $((K / 2)) ] ||
	fail "IPIs to CPU 1 from thread $sender on CPU 0: $got < $((K / 2)) (of $K unmaps)"
ok "IPIs: $got to CPU 1 from the unmapping thread on CPU 0 ($K unmaps)"
