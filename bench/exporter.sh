#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The exporter's cost. Live: a 2-CPU monitor with every collector on
# serves /metrics on loopback; SCRAPES (default 200) scrapes with curl in
# both formats: median and p99 scrape time (curl's time_total, which the
# page copy is a small part of), response size. Synthetic: the page build
# (expo_render, text format) for 2, 64 and 1024 CPUs from
# tests/tools/prom_bench: size, samples, median build time, and so the
# cost per extra CPU. Prints figures, asserts nothing; never changes a
# sysctl.
set -u
build=${RTBPF_BUILD:-build}
RTBPF=${RTBPF:-$build/bin/rtbpf}
scrapes=${SCRAPES:-200}
pb=$build/tests/prom_bench
[ -x "$pb" ] || { echo "exporter: $pb missing (make tools)" >&2; exit 1; }

echo "page build (text format, every collector; median of 51):"
printf '%6s %10s %8s %10s\n' cpus bytes samples "build us"
rows=$(for n in 2 64 1024; do
	"$pb" "$n" 51 | jq -r '[.cpus, .bytes, .samples, (.median_ns / 1000 | floor)] | @tsv' |
		awk '{ printf "%6d %10d %8d %10d\n", $1, $2, $3, $4 }'
done)
echo "$rows"
awk 'NR == 1 { c1 = $1; b1 = $2; t1 = $4 } END {
	printf "per extra CPU: %.0f bytes, %.1f us to build\n",
		($2 - b1) / ($1 - c1), ($4 - t1) / ($1 - c1) }' <<<"$rows"

if [ "$(id -u)" != 0 ] || ! command -v curl >/dev/null || [ "$(nproc)" -lt 2 ]; then
	echo "live scrape: needs root, curl and 2 CPUs: skipped"
	exit 0
fi
port=$((20000 + RANDOM % 40000))
"$RTBPF" monitor --cpus 0,1 --quiet --interval 1s --listen "127.0.0.1:$port" \
	2>/dev/null &
mon=$!
trap 'kill -INT "$mon" 2>/dev/null; wait "$mon" 2>/dev/null' EXIT
for ((i = 0; i < 100; i++)); do
	curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break
	sleep 0.1
done
sleep 1.5 # a page with a full interval in it
for fmt in text openmetrics; do
	accept='text/plain'
	[ "$fmt" = openmetrics ] && accept='application/openmetrics-text; version=1.0.0'
	for ((i = 0; i < scrapes; i++)); do
		curl -s -o /dev/null -H "Accept: $accept" \
			-w '%{time_total} %{size_download}\n' "http://127.0.0.1:$port/metrics"
	done | sort -n | awk -v fmt="$fmt" '{ t[NR] = $1; s = $2 } END {
		printf "live 2-CPU scrape (%s, %d scrapes): median %.0f us, p99 %.0f us, %d bytes\n",
			fmt, NR, t[int(NR / 2) + 1] * 1e6, t[int(NR * 0.99)] * 1e6, s }'
done
curl -s "http://127.0.0.1:$port/metrics" | awk '
	/^rtbpf_exporter_render_seconds / { printf "its page build (both formats): %.0f us\n", $2 * 1e6 }'
