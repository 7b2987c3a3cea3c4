#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every collector loads, reports and unloads; a tracepoint the kernel lacks
# (simulated with RTBPF_HIDE_TP) skips its collector with a message while
# the rest of the monitor runs; a bad collector name is a usage error.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root

all_progs() { bpftool prog show 2>/dev/null | grep -cE 'name (sched_|irq_|softirq_|ipi_|page_fault_|local_timer|reschedule_|call_function|irq_work)' || true; }

start_bg mon "$RTBPF" monitor --json --interval 200ms --duration 1s --threshold 1ms
mon_pid=$bg_pid
for ((i = 0; i < 40; i++)); do
	[ "$(all_progs)" -ge 20 ] && break
	sleep 0.05
done
loaded=$(all_progs)
wait "$mon_pid" || fail "monitor failed: $(cat "$T/mon.err")"
echo "programs loaded with every collector: $loaded"
[ "$loaded" -ge 20 ] || fail "expected 3 sched + 18 noise programs, saw $loaded"
for ((i = 0; i < 60; i++)); do
	[ "$(all_progs)" = 0 ] && break
	sleep 0.05
done
[ "$(all_progs)" = 0 ] || fail "programs left after --duration"
cols=$(jq -c -s 'map(select(.type=="header"))[0].collectors' "$T/mon.out")
[ "$cols" = '["sched","irq","softirq","ipi","fault","stolen","timer"]' ] || fail "collectors: $cols"
jq -e -s 'map(select(.type=="summary"))[0].cpus | all(has("noise"))' "$T/mon.out" >/dev/null ||
	fail "summary lacks noise figures"
ok "all collectors loaded ($loaded programs), reported and unloaded"

RTBPF_HIDE_TP=irq_handler_entry "${RTBPF_HOOKED:-$RTBPF}" monitor --json --count 1 --interval 200ms \
	>"$T/hide.out" 2>"$T/hide.err" || fail "monitor failed with a hidden tracepoint: $(cat "$T/hide.err")"
grep -q 'irq: tracepoint irq_handler_entry missing in this kernel; skipped' "$T/hide.err" ||
	fail "no message for the missing tracepoint: $(cat "$T/hide.err")"
cols=$(jq -c -s 'map(select(.type=="header"))[0].collectors' "$T/hide.out")
[ "$cols" = '["sched","softirq","ipi","fault","stolen","timer"]' ] || fail "collectors with irq hidden: $cols"
ok "missing irq_handler_entry: irq skipped with a message, the rest ran"

RTBPF_HIDE_TP=softirq_entry,page_fault_user,ipi_send_cpu,ipi_send_cpumask,irq_handler_exit,local_timer_entry,reschedule_entry,call_function_entry,call_function_single_entry,irq_work_entry \
	"${RTBPF_HOOKED:-$RTBPF}" monitor --json --count 1 --interval 200ms >"$T/none.out" 2>"$T/none.err" ||
	fail "monitor failed with every noise tracepoint hidden: $(cat "$T/none.err")"
grep -q 'no noise collector available' "$T/none.err" || fail "no message: $(cat "$T/none.err")"
jq -e -s 'map(select(.type=="interval")) | length == 1' "$T/none.out" >/dev/null ||
	fail "the sched collector did not report alone"
ok "every noise tracepoint missing: the sched collector still ran"

"$RTBPF" monitor --collectors sched,bogus >"$T/o" 2>"$T/e"
rc=$?
[ "$rc" = 2 ] || fail "--collectors bogus: exit $rc"
grep -q "monitor: --collectors: 'bogus' is not one of sched, irq" "$T/e" || fail "message: $(cat "$T/e")"
ok "--collectors bogus -> 2: $(cat "$T/e")"
no_progs_left || fail "programs left"
