# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# Sourced by tests/integration/tune_*.sh: builds a fake root shaped like a
# 4-CPU host's /proc and /sys (values as a stock kernel shows them), so
# apply/check/revert run against it and never touch the real host.

# put FILE CONTENT: write CONTENT plus a newline, creating directories.
put() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
}

# make_tree DIR
make_tree() {
	local r=$1 cpu irq s
	mkdir -p "$r/var/lib" "$r/etc"
	put "$r/proc/cmdline" 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet'
	put "$r/sys/devices/system/cpu/possible" '0-3'
	put "$r/sys/devices/system/cpu/online" '0-3'
	put "$r/sys/devices/system/cpu/isolated" ''
	put "$r/sys/devices/system/cpu/nohz_full" '(null)'
	put "$r/proc/sys/kernel/timer_migration" 1
	put "$r/proc/sys/kernel/numa_balancing" 1
	put "$r/proc/sys/kernel/nmi_watchdog" 1
	put "$r/proc/sys/kernel/watchdog_cpumask" '0-3'
	put "$r/proc/sys/kernel/hung_task_timeout_secs" 120
	put "$r/proc/sys/kernel/sched_rt_runtime_us" 950000
	put "$r/proc/sys/kernel/printk" "$(printf '4\t4\t1\t7')"
	put "$r/proc/sys/vm/stat_interval" 1
	put "$r/proc/sys/vm/swappiness" 60
	put "$r/proc/sys/vm/dirty_ratio" 20
	put "$r/proc/sys/vm/dirty_background_ratio" 10
	put "$r/proc/sys/net/core/busy_read" 0
	put "$r/proc/sys/net/core/busy_poll" 0
	put "$r/proc/irq/default_smp_affinity" f
	for irq in 0 1 8 9 24 25 26; do
		put "$r/proc/irq/$irq/smp_affinity" f
		put "$r/proc/irq/$irq/smp_affinity_list" 0-3
		put "$r/proc/irq/$irq/effective_affinity_list" 0
	done
	# 24: already on housekeeping CPU 1; 25: pinned to latency CPU 3;
	# 26: spread over 1-2 (keeps 1).
	put "$r/proc/irq/24/smp_affinity" 2
	put "$r/proc/irq/25/smp_affinity" 8
	put "$r/proc/irq/25/effective_affinity_list" 3
	put "$r/proc/irq/26/smp_affinity" 6
	put "$r/sys/kernel/mm/transparent_hugepage/enabled" 'always [madvise] never'
	put "$r/sys/kernel/mm/transparent_hugepage/defrag" \
		'always defer defer+madvise [madvise] never'
	put "$r/sys/kernel/mm/ksm/run" 1
	put "$r/sys/devices/virtual/workqueue/cpumask" f
	put "$r/sys/bus/workqueue/devices/writeback/cpumask" f
	for cpu in 0 1 2 3; do
		s=$r/sys/devices/system/cpu/cpu$cpu
		put "$s/cpufreq/scaling_governor" powersave
		put "$s/power/pm_qos_resume_latency_us" 0
		put "$s/power/energy_perf_bias" 6
		for i in 0 1 2 3; do
			put "$s/cpuidle/state$i/disable" 0
		done
	done
}

# same_tree A B: byte-identical, the journal directory aside.
same_tree() {
	diff -r -x rtbpf "$1" "$2"
}

# val FILE: content without the newline.
val() {
	cat "$1"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_rc WANT CMD...: runs CMD, fails unless it exits WANT.
expect_rc() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want"
}
