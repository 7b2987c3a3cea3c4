#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Cost of the hard IRQ and softirq collectors against bcc's hardirqs and
# softirqs (libbpf-tools), same run: ns per event of each program
# (kernel.bpf_stats_enabled: run_time_ns / run_cnt) while O_DIRECT reads of
# a file on disk raise device IRQs and BLOCK softirqs. Asserts nothing.
# shellcheck source=bench/lib.bash
. "$(dirname "$0")/lib.bash"
HARDIRQS=$(command -v hardirqs || ls /usr/sbin/hardirqs 2>/dev/null || true)
SOFTIRQS=$(command -v softirqs || ls /usr/sbin/softirqs 2>/dev/null || true)
READS=${BENCH_READS:-4000}
dir=${BENCH_DIR:-/var/tmp}
file=$(mktemp "$dir/rtbpf-bench.XXXXXX")
trap 'rm -f "$file"; bench_cleanup' EXIT
dd if=/dev/zero of="$file" bs=1M count=64 conv=fsync status=none
if ! dd if="$file" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null; then
	echo "O_DIRECT reads not supported under $dir: skipped"
	exit 0
fi

tool_cmd() {
	case $1 in
	rtbpf) exec "$RTBPF" monitor --collectors irq,softirq --json --interval 1h ;;
	hardirqs) exec "$HARDIRQS" 3600 1 ;;
	softirqs) exec "$SOFTIRQS" 3600 1 ;;
	esac
}

load() { # device IRQs: direct reads of the file, bypassing the page cache
	dd if="$file" of=/dev/null bs=4k count="$READS" iflag=direct status=none
}

tools=(rtbpf)
[ -n "$HARDIRQS" ] && tools+=(hardirqs)
[ -n "$SOFTIRQS" ] && tools+=(softirqs)
echo "ns per event under $READS O_DIRECT 4 KiB reads, stats on;"
echo "median of $ROUNDS interleaved rounds"
per_event load "${tools[@]}"

sum() { # tool prog prog: sum of the two medians
	local a b
	a=$(per_med "$1" "$2")
	b=$(per_med "$1" "$3")
	[ -n "$a" ] && [ -n "$b" ] && echo $((a + b))
}
# compare WHAT THEIRS GOAL OURS-SUM THEIRS-SUM UNAVAILABLE: one ratio row.
compare() {
	if [ -n "$4" ] && [ -n "$5" ]; then
		awk -v w="$1" -v t="$2" -v g="$3" -v a="$4" -v b="$5" 'BEGIN {
			printf "%s entry+exit: rtbpf %d ns, %s %d ns, ratio %.2f (goal <= %s)\n", w, a, t, b, a / b, g }'
	else
		echo "$1 comparison unavailable$6"
	fi
}
echo
compare "hard IRQ" hardirqs 0.50 "$(sum rtbpf irq_handler_entry irq_handler_exit)" \
	"$(sum hardirqs irq_handler_entry_btf irq_handler_exit_btf)" \
	" (no hardirqs, or no device IRQ seen)"
compare softirq softirqs 1.00 "$(sum rtbpf softirq_entry softirq_exit)" \
	"$(sum softirqs softirq_entry_btf softirq_exit_btf)" ""
