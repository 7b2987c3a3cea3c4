#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Ground truth for the fault and IPI collectors:
#  - a process pinned to CPU 1 touches N fresh pages: at least N user page
#    faults on CPU 1, and at least N attributed to that process;
#  - a thread on CPU 0 calls membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)
#    K times while a thread of the same process runs on CPU 1: the kernel
#    sends CPU 1 an IPI each time, on every host; the monitor must count
#    them on CPU 1, from that thread on CPU 0;
#  - the same with K munmaps of memory the thread on CPU 1 uses: each
#    flushes CPU 1's TLB by IPI, unless the hypervisor flushes remote TLBs
#    itself (then CPU 1's "TLB shootdowns" line of /proc/interrupts does
#    not move, and this case is skipped with the reason).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
NOISEGEN=$RTBPF_BUILD/tests/noisegen
N=3000
K=500

start_bg mon "$RTBPF" monitor --collectors fault,ipi,irq --json --interval 250ms
mon_pid=$bg_pid
wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"

start_bg flt "$NOISEGEN" faults --go "$T/go" --pages "$N" --cpu-b 1
flt_pid=$bg_pid
wait_line "$T/flt.out" '^ready' || fail "noisegen faults did not start"
touch "$T/go"
wait "$flt_pid" || fail "noisegen faults failed"
# CPU 1's TLB shootdowns so far (/proc/interrupts, the kernel's own count)
tlb_cpu1() { awk '$1 == "TLB:" { print $3 }' /proc/interrupts; }
declare -A sender
for via in membarrier munmap; do
	rm -f "$T/go"
	start_bg "ipi_$via" "$NOISEGEN" ipi --via "$via" --go "$T/go" --rounds "$K" --cpu-a 0 --cpu-b 1
	ipi_pid=$bg_pid
	wait_line "$T/ipi_$via.out" '^ready' || fail "noisegen ipi ($via) did not start"
	sender[$via]=$(sed -n 's/.*tid=\([0-9]*\).*/\1/p' "$T/ipi_$via.out")
	tlb0=$(tlb_cpu1)
	touch "$T/go"
	wait "$ipi_pid" || fail "noisegen ipi ($via) failed: $(cat "$T/ipi_$via.err")"
	[ "$via" = munmap ] && tlb_delta=$(($(tlb_cpu1) - ${tlb0:-0}))
done
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
from() { jq --argjson p "$1" '[.[] | select(.pid==$p and .cpu==0) | .count] | add // 0' <<<"$senders"; }
# each call sends one, unless the thread on CPU 1 was off its CPU then
# (a kernel thread ran): at least half; and not many more than were
# called for (the sender also starts the thread on CPU 1: a wake-up IPI)
got=$(from "${sender[membarrier]}")
[ "$got" -ge $((K / 2)) ] ||
	fail "IPIs to CPU 1 from thread ${sender[membarrier]} on CPU 0: $got < $((K / 2)) (of $K membarrier calls)"
[ "$got" -le $((K + 5)) ] ||
	fail "IPIs to CPU 1 from thread ${sender[membarrier]} on CPU 0: $got > $K membarrier calls + 5"
ok "IPIs: $got to CPU 1 from the membarrier thread on CPU 0 ($K calls)"
# they interrupted a busy thread: timed, not counted as idle
if [ "$(jq '(.vectors // []) | length' <<<"$cpu1")" = 0 ]; then
	echo "SKIP (vector check): no system vector figures (irq_vectors tracepoints missing)"
else
	cal=$(jq -c '[.vectors[] | select(.name == "CAL1" or .name == "CAL")] |
		{count: (map(.count) | add // 0), idle: (map(.idle) | add // 0), ns: (map(.ns) | add // 0)}' <<<"$cpu1")
	echo "CPU 1 call-function vectors: $cal"
	[ "$(jq .count <<<"$cal")" -ge "$got" ] || fail "CPU 1 counted fewer call-function vectors than IPIs sent to it"
	[ "$(jq '.count - .idle' <<<"$cal")" -ge $((got / 2)) ] || fail "membarrier IPIs to a busy CPU not timed: $cal"
	[ "$(jq .ns <<<"$cal")" -gt 0 ] || fail "no call-function vector time on CPU 1"
	ok "call-function vectors on CPU 1: $cal"
fi

echo "munmap: CPU 1's TLB shootdowns (/proc/interrupts) moved by $tlb_delta"
if [ "$tlb_delta" -lt $((K / 2)) ]; then
	echo "SKIP (munmap case): $K unmaps gave CPU 1 only $tlb_delta TLB-shootdown IPIs: this hypervisor flushes remote TLBs without IPIs"
else
	got=$(from "${sender[munmap]}")
	[ "$got" -ge $((K / 2)) ] ||
		fail "IPIs to CPU 1 from thread ${sender[munmap]} on CPU 0: $got < $((K / 2)) (of $K unmaps)"
	ok "IPIs: $got to CPU 1 from the unmapping thread on CPU 0 ($K unmaps)"
fi
