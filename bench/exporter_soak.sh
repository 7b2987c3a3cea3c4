#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The exporter's memory over a long run: a 2-CPU monitor with every
# collector on serves /metrics on loopback for SOAK_SECONDS (default 600)
# while a loop starts short-lived tasks on CPUs 0-1 (each a new pid and
# comm: the churn that grows per-task tables) and curl scrapes every 20 s.
# Prints the monitor's resident memory every 30 s, the tasks started, and
# the growth over the second half of the run (after the tables filled):
# a bounded exporter shows about 0 KB/min there. Asserts nothing; needs
# root and curl; changes no sysctl.
set -u
build=${RTBPF_BUILD:-build}
RTBPF=${RTBPF:-$build/bin/rtbpf}
secs=${SOAK_SECONDS:-600}
[ "$(id -u)" = 0 ] || { echo "exporter soak: needs root" >&2; exit 1; }
command -v curl >/dev/null || { echo "exporter soak: needs curl" >&2; exit 1; }
port=$((20000 + RANDOM % 40000))
"$RTBPF" monitor --cpus 0,1 --quiet --interval 1s --listen "127.0.0.1:$port" \
	2>/dev/null &
mon=$!
churn=
trap 'kill "$churn" 2>/dev/null; kill -INT "$mon" 2>/dev/null; wait "$mon" 2>/dev/null' EXIT
for ((i = 0; i < 100; i++)); do
	curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break
	sleep 0.1
done
count=$(mktemp)
# the churn: short-lived tasks, bounded by the run's length
(
	n=0
	end=$((SECONDS + secs))
	while [ "$SECONDS" -lt "$end" ]; do
		taskset -c $((n % 2)) /bin/true
		n=$((n + 1))
		[ $((n % 1000)) = 0 ] && echo "$n" >"$count"
	done
	echo "$n" >"$count"
) &
churn=$!
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$mon/status"; }
echo "exporter soak: ${secs}s, monitor pid $mon, port $port"
printf '%6s %9s %9s\n' s "rss KB" tasks
start=$SECONDS
half_rss=
while [ $((SECONDS - start)) -lt "$secs" ]; do
	sleep 10
	t=$((SECONDS - start))
	[ $((t % 20)) -lt 10 ] && curl -s -o /dev/null "http://127.0.0.1:$port/metrics"
	if [ $((t % 30)) -lt 10 ]; then
		r=$(rss)
		printf '%6d %9d %9s\n' "$t" "$r" "$(cat "$count" 2>/dev/null || echo 0)"
		[ -z "$half_rss" ] && [ "$t" -ge $((secs / 2)) ] && half_rss=$r && half_t=$t
	fi
done
end_rss=$(rss)
t=$((SECONDS - start))
echo "tasks started: $(cat "$count")"
[ -n "$half_rss" ] && awk -v a="$half_rss" -v b="$end_rss" -v t0="$half_t" -v t1="$t" \
	'BEGIN { printf "second half: rss %d -> %d KB, %.1f KB/min\n", a, b, (b - a) * 60 / (t1 - t0) }'
rm -f "$count"
