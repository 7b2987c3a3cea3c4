# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# Sourced by tests/integration/tune_*.sh: builds a fake root shaped like a
# 4-CPU host's /proc and /sys (values as a stock kernel shows them), so
# apply/check/revert run against it and never touch the real host.

# the test build (hooks compiled in): runs that set RTBPF_FAULT* & co.
RTBPF_HOOKED=${RTBPF_HOOKED:-${RTBPF_BUILD:-build}/tests/rtbpf}

# put FILE CONTENT: write CONTENT plus a newline, creating directories.
put() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
}

# add_task ROOT PID TID COMM FLAGS ALLOWED: a thread in the fake /proc.
# stat carries the PF_* flags in field 9, status Cpus_allowed_list, and
# affinity is the test seam of the threads stage (see user/tune/kind_thread.c):
# under --root rtbpf reads and writes it instead of calling
# sched_setaffinity, so no real thread is ever moved.
add_task() {
	local d=$1/proc/$2/task/$3
	put "$d/stat" "$3 ($4) S 1 $2 $2 0 -1 $5 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
	put "$d/status" "$(printf 'Name:\t%s\nTgid:\t%s\nPid:\t%s\nCpus_allowed_list:\t%s\nVmLck:\t0 kB' "$4" "$2" "$3" "$6")"
	put "$d/affinity" "$6"
	[ "$2" = "$3" ] && cp "$d/stat" "$d/status" "$1/proc/$2/"
	return 0
}

# PF_* flags as /proc shows them (decimal).
PF_USER=4194560        # 0x00400100
PF_KTHREAD=2129984     # 0x00208040 (PF_KTHREAD)
PF_PERCPU=69238848     # 0x04208040 (PF_KTHREAD | PF_NO_SETAFFINITY)

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
	# Threads: moved (1, 2, 41, 500, 501, 600), already off the latency
	# CPUs (700), never moved (15, 16: PF_NO_SETAFFINITY; 40: per-CPU).
	add_task "$r" 1 1 systemd "$PF_USER" 0-3
	add_task "$r" 2 2 kthreadd "$PF_KTHREAD" 0-3
	add_task "$r" 15 15 ksoftirqd/2 "$PF_PERCPU" 2
	add_task "$r" 16 16 migration/3 "$PF_PERCPU" 3
	add_task "$r" 40 40 irq/25-nvme0q3 "$PF_KTHREAD" 3
	add_task "$r" 41 41 rcu_preempt "$PF_KTHREAD" 0-3
	add_task "$r" 500 500 'app (main)' "$PF_USER" 0-3
	add_task "$r" 500 501 app-pinned "$PF_USER" 3
	add_task "$r" 600 600 logger "$PF_USER" 1-2
	add_task "$r" 700 700 batch "$PF_USER" 0-1
	# Debian's irqbalance environment file; pam_limits without rtbpf's.
	put "$r/etc/default/irqbalance" "$(printf '%s\n' \
		'# irqbalance is a daemon process that distributes interrupts across' \
		'# CPUs on SMP systems.' '#' \
		'# IRQBALANCE_BANNED_CPULIST' \
		'#    The CPUs irqbalance must not touch' \
		'#IRQBALANCE_BANNED_CPULIST=' '#' '#IRQBALANCE_ARGS=')"
	put "$r/etc/group" "$(printf '%s\n' root:x:0: audio:x:29:pulse)"
	put "$r/etc/security/limits.conf" '#<domain> <type> <item> <value>'
	mkdir -p "$r/etc/security/limits.d" "$r/etc/systemd/system.conf.d"
	put "$r/sys/devices/system/cpu/intel_pstate/min_perf_pct" 20
	put "$r/sys/devices/system/cpu/intel_pstate/no_turbo" 0
	put "$r/sys/firmware/acpi/platform_profile" balanced
	put "$r/sys/devices/system/cpu/cpufreq/boost" 0
	put "$r/sys/devices/system/cpu/cpufreq/policy0/boost" 0
	put "$r/sys/devices/system/cpu/cpufreq/policy2/boost" 0
	for cpu in 0 1 2 3; do
		put "$r/sys/kernel/debug/sched/fair_server/cpu$cpu/runtime" 50000000
		put "$r/sys/devices/system/machinecheck/machinecheck$cpu/ignore_ce" 0
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

ok() { echo "ok: $*"; }

# shellcheck disable=SC2034 # MODES is read by the tests that call this
# openat2_modes: sets NOAT2 (tests/tools/no_openat2) and MODES, the ways
# --root paths get resolved here: openat2, and where the tool is built
# also the fallback walk with openat2 refused as before 5.6 (ENOSYS) or by
# a container's seccomp filter (EPERM).
openat2_modes() {
	NOAT2=${RTBPF_BUILD:-build}/tests/no_openat2
	MODES=openat2
	if [ -x "$NOAT2" ]; then
		MODES="openat2 ENOSYS EPERM"
	else
		echo "note: $NOAT2 not built; fallback walk not tested"
	fi
}

# under MODE CMD...: CMD with openat2, or with openat2 refused with MODE.
under() {
	local mode=$1
	shift
	if [ "$mode" = openat2 ]; then
		"$@"
	else
		"$NOAT2" -e "$mode" "$@"
	fi
}

# fnv1a TEXT: the journal's record checksum.
fnv1a() {
	local s=$1 h=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ c) * 16777619 & 0xffffffff))
	done
	printf '%08x' "$h"
}

# fail reaches the test's own stderr even from a call whose stderr is
# redirected (expect_rc 1 CMD 2>"$tmp/err")
exec {fixture_stderr}>&2
fail() {
	echo "FAIL: $*" >&"$fixture_stderr"
	exit 1
}

# expect_rc WANT CMD...: runs CMD, fails unless it exits WANT.
expect_rc() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited $rc, expected $want"
}

# fixture_tmp [--shm] [--world-readable] [--netns NAME] [--hook FN]: the
# test's scratch
# directory $tmp (on tmpfs with --shm when /dev/shm is one: apply fsyncs
# every write), mode 755 with --world-readable (an unprivileged check
# reads the tree). --netns: the network namespace NAME ($ns) the test
# makes is deleted at exit. At exit FN runs (a test's own teardown), the
# background process whose pid the test keeps in $child is killed, and
# $tmp is removed. $root is where the fake tree goes.
child=
fixture_hook=:
# shellcheck disable=SC2120 # every option is optional
fixture_tmp() {
	local shm=0 open=0
	while [ $# -gt 0 ]; do
		case $1 in
		--shm) shm=1 ;;
		--world-readable) open=1 ;;
		--hook) fixture_hook=$2 && shift ;;
		--netns) ns=$2 && fixture_hook=fixture_del_ns && shift ;;
		*) fail "fixture_tmp: unknown option $1" ;;
		esac
		shift
	done
	if [ "$shm" = 1 ]; then
		tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
	else
		tmp=$(mktemp -d)
	fi
	trap fixture_cleanup EXIT
	[ "$open" = 0 ] || chmod 755 "$tmp"
	root=$tmp/root
}

fixture_del_ns() { ip netns del "$ns" 2>/dev/null; }

fixture_cleanup() {
	"$fixture_hook" || :
	[ -z "$child" ] || kill "$child" 2>/dev/null || :
	rm -rf "$tmp"
}

# fixture_root [fixture_tmp options]: fixture_tmp, then the stock tree in
# $root.
# shellcheck disable=SC2120
fixture_root() {
	fixture_tmp "$@"
	make_tree "$root"
}

# need_bighost: $gen, the big-host tree generator (tests/tools/bighost),
# and python3 to check its results, or SKIP.
need_bighost() {
	gen=${RTBPF_BUILD:-$RTBPF_TOP/build}/tests/bighost
	[ -x "$gen" ] || { echo "SKIP: $gen not built"; exit 77; }
	command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
}
