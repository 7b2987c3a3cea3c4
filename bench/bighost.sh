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

# run_check NAME ARGS...: ROUNDS timed runs (after one to warm the cache):
# wall time, and CPU time (user + sys), which a busy shared VM skews less
run_check() {
	local name=$1 i
	shift
	"$RTBPF" check -P ultra --root "$tmp/root" --cpus "$lat" "$@" >"$tmp/out" 2>/dev/null
	: >"$tmp/times"
	for ((i = 0; i < rounds; i++)); do
		{ TIMEFORMAT='%R %U %S' && time "$RTBPF" check -P ultra --root "$tmp/root" \
			--cpus "$lat" "$@" >"$tmp/out" 2>/dev/null; } 2>>"$tmp/times"
	done
	awk -v name="$name" -v lines="$(wc -l <"$tmp/out")" -v bytes="$(wc -c <"$tmp/out")" '
		{ w[NR] = $1 * 1000; c[NR] = ($2 + $3) * 1000 }
		function sort(a, n,   i, j, t) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
		}
		END {
			sort(w, NR); sort(c, NR); m = int((NR + 1) / 2)
			printf "check %-4s %d runs: wall median %d ms (%d-%d), CPU median %d ms " \
				"(%d-%d); %d lines, %.1f MB out\n", name, NR, w[m], w[1], w[NR],
				c[m], c[1], c[NR], lines, bytes / 1e6
		}' "$tmp/times"
}
run_check text
run_check json --json
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
