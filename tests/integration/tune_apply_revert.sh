#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf apply / check / revert against a fake root: check finds the
# deviations (exit 3), --dry-run prints commands and writes nothing, apply
# sets every file as the profile says, check is then clean (exit 0), a
# second apply keeps the first originals, revert leaves the tree
# byte-identical, and revert again is a no-op. Never touches the host.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp

# want FILE VALUE: the file reads VALUE (newline aside).
want() {
	[ "$(val "$root/$1")" = "$2" ] || fail "$1 is '$(val "$root/$1")', expected '$2'"
}

for profile in ultra low-latency; do
	rm -rf "$root" "$tmp/orig"
	make_tree "$root"
	cp -a "$root" "$tmp/orig"

	expect_rc 3 "$RTBPF" check --profile "$profile" --root "$root" --cpus 2-3 >"$tmp/out"
	grep -q '^FAIL sysctl    kernel.timer_migration' "$tmp/out" || fail "check: no timer_migration FAIL"
	same_tree "$root" "$tmp/orig" || fail "check changed the tree"

	# Without -v the first 3 IRQs' commands, then a line for the other 3 (24 is fine);
	# a mask's command says which CPUs it means, and which before.
	"$RTBPF" apply --profile "$profile" --root "$root" --cpus 2-3 --dry-run >"$tmp/dry"
	grep -qx "echo 3 > $root/proc/irq/8/smp_affinity  # CPUs 0-1 (was 0-3)" "$tmp/dry" ||
		fail "dry run lacks the irq command"
	grep -qx '# 3 more of irq \* (-v prints each): \* = 9 25-26' "$tmp/dry" ||
		fail "dry run: no line for the other IRQs: $(grep irq "$tmp/dry")"
	! grep -q "irq/9/smp_affinity" "$tmp/dry" || fail "dry run: irq 9 shown without -v"
	"$RTBPF" apply -v --profile "$profile" --root "$root" --cpus 2-3 --dry-run >"$tmp/dry"
	grep -qx "echo 0 > $root/proc/sys/kernel/timer_migration" "$tmp/dry" || fail "dry run lacks the sysctl command"
	grep -qx "echo 3 > $root/proc/irq/9/smp_affinity  # CPUs 0-1 (was 0-3)" "$tmp/dry" ||
		fail "dry run -v lacks the irq command"
	grep -q '^# dry run: .* nothing written' "$tmp/dry" || fail "dry run summary"
	same_tree "$root" "$tmp/orig" || fail "--dry-run changed the tree"
	[ ! -e "$root/var/lib/rtbpf" ] || fail "--dry-run created the state directory"

	"$RTBPF" apply --profile "$profile" --root "$root" --cpus 2-3 >"$tmp/apply"
	# Every knob as the profile says.
	want proc/sys/kernel/timer_migration 0
	want proc/sys/kernel/numa_balancing 0
	want proc/sys/vm/swappiness 10
	want proc/sys/vm/dirty_ratio 10
	want proc/sys/vm/dirty_background_ratio 3
	want proc/sys/net/core/busy_read 50
	want proc/sys/net/core/busy_poll 50
	want sys/kernel/mm/transparent_hugepage/enabled never
	want proc/irq/default_smp_affinity 3
	for irq in 0 1 8 9; do want "proc/irq/$irq/smp_affinity" 3; done
	want proc/irq/24/smp_affinity 2 # already inside housekeeping: untouched
	want proc/irq/25/smp_affinity 3 # was on latency CPU 3 only
	want proc/irq/26/smp_affinity 2 # 1-2 keeps its housekeeping CPU 1
	want sys/devices/virtual/workqueue/cpumask 3
	want sys/bus/workqueue/devices/writeback/cpumask 3
	for cpu in 0 1 2 3; do
		want "sys/devices/system/cpu/cpu$cpu/cpufreq/scaling_governor" performance
	done
	want proc/sys/kernel/sched_rt_runtime_us 950000 # no profile sets it
	want sys/firmware/acpi/platform_profile performance
	want sys/devices/system/cpu/cpufreq/boost 0 # site policy: kept
	grep -qx 'CPUAffinity=0-1' "$root/etc/systemd/system.conf.d/99-rtbpf.conf" ||
		fail "systemd drop-in lacks CPUAffinity=0-1"
	want proc/cmdline 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet'
	want sys/devices/system/cpu/cpu0/cpuidle/state1/disable 0 # housekeeping
	if [ "$profile" = ultra ]; then
		want proc/sys/vm/stat_interval 120
		want proc/sys/kernel/nmi_watchdog 0
		want proc/sys/kernel/watchdog_cpumask 0-1
		want proc/sys/kernel/hung_task_timeout_secs 600
		want sys/kernel/mm/transparent_hugepage/defrag never
		want sys/kernel/mm/ksm/run 0
		want sys/devices/system/cpu/intel_pstate/min_perf_pct 100
		want sys/devices/system/cpu/intel_pstate/no_turbo 0 # site policy: kept
		for cpu in 0 1 2 3; do
			want "sys/devices/system/machinecheck/machinecheck$cpu/ignore_ce" 1
		done
		for cpu in 2 3; do
			s=sys/devices/system/cpu/cpu$cpu
			want "$s/power/pm_qos_resume_latency_us" n/a
			want "$s/power/energy_perf_bias" 0
			for i in 1 2 3; do want "$s/cpuidle/state$i/disable" 1; done
			want "$s/cpuidle/state0/disable" 0
		done
	else
		want proc/sys/vm/stat_interval 10
		want proc/sys/kernel/nmi_watchdog 1
		want proc/sys/kernel/hung_task_timeout_secs 120
		want sys/kernel/mm/ksm/run 1
		want sys/devices/system/machinecheck/machinecheck0/ignore_ce 0
		want sys/devices/system/cpu/cpu2/power/pm_qos_resume_latency_us 0
		want sys/devices/system/cpu/cpu2/cpuidle/state1/disable 0
		want sys/devices/system/cpu/cpu2/cpuidle/state2/disable 1
	fi
	st=$root/var/lib/rtbpf/state
	[ "$(stat -c %a "$st")" = 600 ] || fail "state file mode $(stat -c %a "$st")"
	head -n 1 "$st" | grep -qx 'rtbpf-state 2' || fail "state header"

	expect_rc 0 "$RTBPF" check --profile "$profile" --root "$root" --cpus 2-3 >"$tmp/out"
	grep -q '^FAIL' "$tmp/out" && fail "check after apply still fails"
	# Boot knobs are never applied: they stay warnings; --strict counts them.
	grep -q '^WARN boot      isolcpus' "$tmp/out" || fail "boot isolcpus not reported"
	# The fair server is checked, never written (debugfs): a warning.
	grep -q '^WARN sysctl    cpu2 fair_server runtime' "$tmp/out" ||
		fail "fair_server of a latency CPU not reported"
	want sys/kernel/debug/sched/fair_server/cpu2/runtime 50000000
	grep -q 'isolcpus=managed_irq,domain,2-3 nohz_full=2-3' "$tmp/out" || fail "no cmdline fragment"
	expect_rc 3 "$RTBPF" check --profile "$profile" --root "$root" --cpus 2-3 --strict >/dev/null

	# Apply twice: nothing new, the first originals stay.
	cp "$st" "$tmp/state1"
	"$RTBPF" apply --profile "$profile" --root "$root" --cpus 2-3 >"$tmp/apply2"
	grep -q '^applied 0 changes' "$tmp/apply2" || fail "second apply changed things"
	cmp -s "$st" "$tmp/state1" || fail "second apply rewrote the journal"

	"$RTBPF" revert --root "$root" >"$tmp/revert"
	same_tree "$root" "$tmp/orig" || fail "$profile: tree differs after revert"
	[ ! -e "$st" ] || fail "state file left after revert"
	"$RTBPF" revert --root "$root" | grep -q 'nothing to revert' || fail "second revert"
	same_tree "$root" "$tmp/orig" || fail "second revert changed the tree"
done

# Apply ultra, then low-latency on top, then revert: the first originals.
rm -rf "$root" && make_tree "$root"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null
"$RTBPF" apply -P low-latency --root "$root" --cpus 2-3 >/dev/null
want proc/sys/vm/stat_interval 10
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "ultra+low-latency: tree differs after revert"

# --only / --skip: only the named stages write.
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only sysctl,memory >/dev/null
want proc/sys/vm/swappiness 10
want sys/kernel/mm/transparent_hugepage/enabled never
want proc/irq/9/smp_affinity f
want sys/devices/system/cpu/cpu0/cpufreq/scaling_governor powersave
"$RTBPF" revert --root "$root" >/dev/null
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --skip irq,power >/dev/null
want proc/sys/vm/swappiness 10
want proc/irq/9/smp_affinity f
want sys/devices/system/cpu/cpu0/cpufreq/scaling_governor powersave
want sys/devices/virtual/workqueue/cpumask 3
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "--only/--skip: tree differs after revert"

# A profile file: include = ultra plus overrides, from profiles.d.
mkdir -p "$root/etc/rtbpf/profiles.d"
printf '%s\n' '# trading box' 'include = ultra' 'sysctl.vm.swappiness = 1' \
	'memory.thp = always' 'stage.power = off' >"$root/etc/rtbpf/profiles.d/desk.conf"
cp -a "$root/etc" "$tmp/orig/"
"$RTBPF" apply -P desk --root "$root" --cpus 2-3 >/dev/null
want proc/sys/vm/swappiness 1
want proc/sys/kernel/timer_migration 0
want sys/kernel/mm/transparent_hugepage/enabled always
want sys/devices/system/cpu/cpu0/cpufreq/scaling_governor powersave
expect_rc 0 "$RTBPF" check -P "$root/etc/rtbpf/profiles.d/desk.conf" --root "$root" --cpus 2-3 >/dev/null
"$RTBPF" revert --root "$root" >/dev/null
same_tree "$root" "$tmp/orig" || fail "profile file: tree differs after revert"

# check --json: NDJSON with a header, one item per knob, a summary.
"$RTBPF" check -P ultra --root "$root" --cpus 2-3 --json >"$tmp/json" || true
python3 - "$tmp/json" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
h = recs[0]
assert h["type"] == "header" and h["command"] == "check" and h["schema"] == 2, h
assert h["cpus"] == [2, 3] and h["housekeeping"] == [0, 1], h
items = [r for r in recs if r["type"] == "item"]
tm = [r for r in items if r["item"] == "kernel.timer_migration"][0]
assert tm["expected"] == "0" and tm["actual"] == "1" and tm["status"] == "FAIL", tm
assert recs[-1]["type"] == "summary" and recs[-1]["fail"] > 0, recs[-1]
PY
echo "apply/check/revert: ok"
