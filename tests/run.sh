#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs rtbpf's tests: `tests/run.sh unit` (no root) or `tests/run.sh all`
# (unit, then BPF and integration tests, which need root), or
# `tests/run.sh only DIR/NAME...` (those shell tests, e.g. integration/e2e_run).
# A test exits 0 to pass, 77 to skip (printing the reason), anything else
# fails. Ends with the line "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RTBPF_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export RTBPF_BUILD=$build RTBPF=$build/bin/rtbpf RTBPF_TOP=$top
# the test build: tests that set a test hook (RTBPF_FAULT...) run it
export RTBPF_HOOKED=$build/tests/rtbpf
what=${1:-all}
per_test_timeout=${RTBPF_TEST_TIMEOUT:-180}
# make test-san/test-tsan: the sanitizers write their reports (log_path)
# into this directory; a test during which any program reported fails,
# even where the test ignored that program's exit code or stderr.
san_logs=${RTBPF_SAN_LOGS:-}
san_re='(ERROR|WARNING|SUMMARY): [A-Za-z]*Sanitizer|Sanitizer has encountered a fatal error'
[ -n "$san_logs" ] && mkdir -p "$san_logs"

pass=0 fail=0 skip=0
failed=()

run_one() {
	local name=$1; shift
	local log rc start
	log=$(mktemp)
	start=$(date +%s)
	[ -n "$san_logs" ] && rm -f "$san_logs"/*
	timeout --kill-after=10 "$per_test_timeout" "$@" >"$log" 2>&1
	rc=$?
	if [ -n "$san_logs" ] && grep -Eqs "$san_re" "$san_logs"/*; then
		rc=1
		echo "sanitizer reports:" >>"$log"
		grep -Els "$san_re" "$san_logs"/* | xargs cat >>"$log"
	fi
	local took=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); printf 'PASS  %-44s %3ss\n' "$name" "$took" ;;
	77) skip=$((skip + 1))
	    printf 'SKIP  %-44s %s\n' "$name" "$(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed+=("$name")
	   printf 'FAIL  %-44s rc=%s %3ss\n' "$name" "$rc" "$took"
	   sed 's/^/    | /' "$log" | tail -n 60 ;;
	esac
	[ -n "${RTBPF_TEST_VERBOSE:-}" ] && sed 's/^/    : /' "$log"
	rm -f "$log"
}

run_unit() {
	local t
	for t in "$build"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		run_one "unit/$(basename "$t")" "$t"
	done
}

run_root() {
	local dir=$1 t
	for t in "$top"/tests/"$dir"/*.sh; do
		[ -f "$t" ] || continue
		if [ "$(id -u)" != 0 ]; then
			skip=$((skip + 1))
			printf 'SKIP  %-44s needs root\n' "$dir/$(basename "$t" .sh)"
			continue
		fi
		run_one "$dir/$(basename "$t" .sh)" bash "$t"
	done
}

case $what in
unit) run_unit ;;
all) run_unit; run_root bpf; run_root integration ;;
only) shift; for t in "$@"; do run_one "$t" bash "$top/tests/$t.sh"; done ;;
*) echo "usage: $0 unit|all|only DIR/NAME..." >&2; exit 2 ;;
esac

# Every BPF program a test loaded must be gone.
if [ "$what" = all ] && [ "$(id -u)" = 0 ] && command -v bpftool >/dev/null; then
	left=$(bpftool prog show 2>/dev/null | grep -cE 'name (sched_|rtbpf|xdp_|xsk_|irq_|softirq_|ipi_|page_fault_|local_timer_|reschedule_|call_function)' || true)
	if [ "${left:-0}" -gt 0 ]; then
		fail=$((fail + 1)); failed+=("leftover BPF programs")
		echo "FAIL  leftover BPF programs after the tests:"
		bpftool prog show | sed 's/^/    | /'
	fi
fi

echo
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
