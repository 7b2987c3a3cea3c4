#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs libFuzzer harnesses: `tests/fuzz/run.sh SECONDS NAME...` runs
# $RTBPF_BUILD/fuzz/fuzz_NAME for SECONDS over its committed seeds
# (tests/fuzz/corpus/NAME, read only) and a working corpus in the build dir,
# one process each, at nice 10. Prints per harness the executions, exec/s
# and libFuzzer's final cov: (edges) and ft: (features); a crash, leak,
# timeout or broken property fails the run and its input is kept as
# $RTBPF_BUILD/fuzz/artifacts/NAME-crash-* (add it to the corpus once fixed).
# FUZZ_ARGS adds libFuzzer flags (e.g. -runs=N). Ends "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${RTBPF_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
secs=${1:?usage: run.sh SECONDS NAME...}
shift
pass=0 fail=0
mkdir -p "$build/fuzz/artifacts"
for name in "$@"; do
	bin=$build/fuzz/fuzz_$name seeds=$top/tests/fuzz/corpus/$name
	work=$build/fuzz/corpus/$name log=$build/fuzz/$name.log
	dict=$top/tests/fuzz/$name.dict flags=$top/tests/fuzz/$name.flags
	args=(-max_total_time="$secs" -print_final_stats=1 -timeout=10
		-rss_limit_mb=2048 -artifact_prefix="$build/fuzz/artifacts/$name-")
	[ -f "$dict" ] && args+=(-dict="$dict")
	# NAME.flags: libFuzzer flags of that harness, e.g. -max_len=N
	[ -f "$flags" ] && read -ra more <"$flags" && args+=("${more[@]}")
	mkdir -p "$work" "$seeds"
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
	if nice -n 10 "$bin" "${args[@]}" ${FUZZ_ARGS:-} "$work" "$seeds" \
		</dev/null >"$log" 2>&1; then
		pass=$((pass + 1)) verdict=PASS
	else
		fail=$((fail + 1)) verdict=FAIL
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	printf '%s  fuzz/%-12s %10s execs %8s/s  cov: %-5s ft: %s\n' \
		"$verdict" "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
		"${ft:-?}"
	[ "$verdict" = FAIL ] && sed 's/^/    | /' "$log" | tail -n 40
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
