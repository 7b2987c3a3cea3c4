#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `rtbpf check` on a big host's fake root (tests/tools/bighost on top of
# make_tree: 1024 CPUs, 2000 IRQs, 10000 threads; BIGHOST="CPUS IRQS
# THREADS" changes it), latency CPUs 1-1023:2 so every list is long: wall
# time of ROUNDS runs (default 5), median and spread, text and JSON
# output. Prints figures, asserts nothing (the goal is under 2 s).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RTBPF_BUILD:-build}
RTBPF=${RTBPF:-$build/bin/rtbpf}
gen=$build/tests/bighost
rounds=${ROUNDS:-5}
read -r ncpus nirqs nthreads <<<"${BIGHOST:-1024 2000 10000}"
if [ ! -x "$gen" ] || [ ! -x "$RTBPF" ]; then
	echo "bighost: $gen or $RTBPF missing (make)" >&2
	exit 1
fi
# shellcheck source=tests/integration/tune_fixture.bash
. "$top/tests/integration/tune_fixture.bash"
base=/tmp
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && base=/dev/shm
tmp=$(mktemp -d "$base/rtbpf-bench-bighost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make_tree "$tmp/root"
"$gen" "$tmp/root" "$ncpus" "$nirqs" "$nthreads" || exit 1
lat=1-$((ncpus - 1)):2
echo "$(uname -r), $(nproc) CPUs; fake root: $ncpus CPUs, $nirqs IRQs, $nthreads threads; --cpus $lat"

# run_check NAME ARGS...: ROUNDS timed runs (after one to warm the cache)
run_check() {
	local name=$1 i t0 t1 times=()
	shift
	"$RTBPF" check -P ultra --root "$tmp/root" --cpus "$lat" "$@" >"$tmp/out" 2>/dev/null
	for ((i = 0; i < rounds; i++)); do
		t0=$(date +%s%N)
		"$RTBPF" check -P ultra --root "$tmp/root" --cpus "$lat" "$@" >"$tmp/out" 2>/dev/null
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" \
		-v lines="$(wc -l <"$tmp/out")" -v bytes="$(wc -c <"$tmp/out")" '
		{ t[NR] = $1 }
		END {
			printf "check %-4s %d runs: median %d ms, spread %d-%d ms " \
				"(%d lines, %.1f MB of output)\n", name, NR,
				t[int((NR + 1) / 2)], t[1], t[NR], lines, bytes / 1e6
		}'
}
run_check text
run_check json --json
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
