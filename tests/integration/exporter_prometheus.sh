#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The monitor as a Prometheus exporter, checked by a real Prometheus
# (Debian's prometheus, on loopback, generated config, temp storage):
#  - wakegen wakes its sleeper on CPU 1 exactly N times while the monitor
#    (--tid: only that thread) serves /metrics; through Prometheus's query
#    API, rtbpf_wakeups_total{cpu="1"} rose by N (the monitor's own
#    tolerance: N to N + 2, monitor_wakeups.sh); noisegen takes M user
#    faults on CPU 1: rtbpf_page_faults_total rose by at least M; and
#    histogram_quantile(0.5) of CPU 1's wait buckets lies in the bucket
#    (of the exported bounds) that holds the monitor's own p50 (its
#    NDJSON summary);
#  - promtool check metrics passes on the scraped text, both formats are
#    served by the Accept header, other methods get 405, other paths 404;
#  - --textfile: Debian's node_exporter (textfile collector only) serves
#    the rtbpf series, never a partial file;
#  - 200 slow clients (connections that never finish a request, held 3 s)
#    leave the monitor's intervals on their period, and the server answers
#    afterwards;
#  - bad --listen values exit 2 before any BPF program loads;
#  - the HTTP server's thread holds no capability the loop dropped.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
for b in prometheus promtool prometheus-node-exporter curl jq ss; do
	command -v "$b" >/dev/null || skip "$b missing (make deps installs it)"
done
NOISEGEN=$RTBPF_BUILD/tests/noisegen
N=2000
M=3000
INTERVAL_MS=250

# bad --listen values: exit 2 with a message naming --listen, no BPF
for v in 0 70000 garbage host.invalid:9100 "[::1:80"; do
	"$RTBPF" monitor --listen "$v" >/dev/null 2>"$T/bad.err"
	rc=$?
	[ "$rc" = 2 ] || fail "--listen '$v' exited $rc, not 2"
	grep -q -- '--listen' "$T/bad.err" || fail "--listen '$v': message does not name it: $(cat "$T/bad.err")"
done
ok "bad --listen values exit 2, naming --listen"
# the static binary has no HTTP server: it says so, exits 2
STATIC=$RTBPF_BUILD/static/rtbpf
if [ -x "$STATIC" ]; then
	"$STATIC" monitor --listen 9 >/dev/null 2>"$T/bad.err"
	rc=$?
	if [ "$rc" != 2 ] || ! grep -q 'packaged build' "$T/bad.err"; then
		fail "static --listen: exit $rc: $(cat "$T/bad.err")"
	fi
	ok "the static binary refuses --listen: $(cat "$T/bad.err")"
fi

P_MON=$(free_port)
P_PROM=$(free_port)
P_NODE=$(free_port)
TF=$T/textfile
mkdir "$TF"
# the monitor runs as nobody once loaded: it must reach and write $TF
chmod 711 "$T"
chown nobody "$TF"
# a link another user left where a fixed temp name would go: never
# written through, never in the way
echo victim >"$T/victim"
ln -s "$T/victim" "$TF/rtbpf.prom.tmp"

gen_ready pingpong --count "$N" --waker-cpu 0 --sleeper-cpu 1
start_bg mon "$RTBPF" monitor --cpus 0,1 --tid "$sleeper" --json \
	--interval "${INTERVAL_MS}ms" --listen "127.0.0.1:$P_MON" \
	--textfile "$TF/rtbpf.prom"
mon_pid=$bg_pid
wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"

# the server's thread holds no more than the loop (privs.h: capabilities
# are per thread; it starts after the drop)
caps() { awk '/^(Uid|CapEff|CapPrm):/ { printf "%s %s ", $1, $2 }' "$1"; }
main_caps=$(caps "/proc/$mon_pid/status")
n=0
for t in /proc/"$mon_pid"/task/*; do
	[ "$(caps "$t/status")" = "$main_caps" ] ||
		fail "thread $(cat "$t/comm") has $(caps "$t/status"), the loop $main_caps"
	n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "no server thread in the monitor"
ok "the monitor's $n threads hold the same: $main_caps"

# a port in use: the monitor's own
"$RTBPF" monitor --listen "127.0.0.1:$P_MON" >/dev/null 2>"$T/bad.err"
rc=$?
[ "$rc" = 2 ] || fail "--listen on a used port exited $rc, not 2"
grep -q 'in use' "$T/bad.err" || fail "used port: $(cat "$T/bad.err")"
ok "--listen on a port in use exits 2: $(cat "$T/bad.err")"

cat >"$T/prom.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: rtbpf
    static_configs:
      - targets: ['127.0.0.1:$P_MON']
EOC
start_bg prom prometheus --config.file="$T/prom.yml" \
	--storage.tsdb.path="$T/tsdb" --web.listen-address="127.0.0.1:$P_PROM" \
	--log.level=warn
start_bg node prometheus-node-exporter --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$TF" \
	--web.listen-address="127.0.0.1:$P_NODE" --log.level=warn

# query EXPR: the first value of an instant query ("" when none)
query() {
	curl -sf --max-time 2 "http://127.0.0.1:$P_PROM/api/v1/query" \
		--data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'
}
# fresh EXPR: its value in a scrape that began at least 0.3 s from now
# (a monitor interval of 250 ms has ended since): the figures of
# everything done before the call
fresh() {
	local since i ts
	since=$(awk -v t="$(date +%s.%N)" 'BEGIN { printf "%.3f", t + 0.3 }')
	for ((i = 0; i < 100; i++)); do
		ts=$(query "timestamp($1)")
		if [ -n "$ts" ] && awk -v a="$ts" -v b="$since" 'BEGIN { exit !(a >= b) }'; then
			query "$1"
			return
		fi
		sleep 0.25
	done
}

w0=$(fresh 'rtbpf_wakeups_total{cpu="1"}')
f0=$(fresh 'rtbpf_page_faults_total{cpu="1",mode="user"}')
if [ -z "$w0" ] || [ -z "$f0" ]; then
	fail "Prometheus scraped nothing: $(cat "$T/prom.err")"
fi
touch "$T/go"
wait "$gen_pid" || fail "wakegen failed: $(cat "$T/gen.err")"
start_bg flt "$NOISEGEN" faults --go "$T/go" --pages "$M" --cpu-b 1
wait_line "$T/flt.out" '^ready' || fail "noisegen faults did not start"
wait "$bg_pid" || fail "noisegen faults failed"
w1=$(fresh 'rtbpf_wakeups_total{cpu="1"}')
f1=$(fresh 'rtbpf_page_faults_total{cpu="1",mode="user"}')
dw=$((w1 - w0))
df=$((f1 - f0))
if [ "$dw" -lt "$N" ] || [ "$dw" -gt $((N + 2)) ]; then
	fail "Prometheus: wakeups rose by $dw, not $N (+2)"
fi
ok "Prometheus: rtbpf_wakeups_total{cpu=\"1\"} rose by $dw for $N made"
[ "$df" -ge "$M" ] || fail "Prometheus: user faults on CPU 1 rose by $df < $M"
ok "Prometheus: user faults on CPU 1 rose by $df (>= $M)"
q50=$(query 'histogram_quantile(0.5, rtbpf_wait_seconds_bucket{cpu="1"})')

# the scraped text, both formats, and the server's refusals
curl -sf "http://127.0.0.1:$P_MON/metrics" >"$T/scrape.txt" || fail "scrape failed"
promtool check metrics <"$T/scrape.txt" >"$T/promtool.out" 2>&1 ||
	fail "promtool check metrics: $(cat "$T/promtool.out")"
ok "promtool check metrics passes ($(wc -c <"$T/scrape.txt") bytes, $(grep -vc '^#' "$T/scrape.txt") samples)"
curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' \
	"http://127.0.0.1:$P_MON/metrics" >"$T/om.txt" || fail "OpenMetrics scrape failed"
[ "$(tail -n 1 "$T/om.txt")" = "# EOF" ] || fail "OpenMetrics page does not end in # EOF"
grep -q '^# TYPE rtbpf_wakeups counter$' "$T/om.txt" || fail "OpenMetrics counter family not named by OpenMetrics rules"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code -X POST "http://127.0.0.1:$P_MON/metrics")" = 405 ] || fail "POST not refused with 405"
[ "$(code "http://127.0.0.1:$P_MON/")" = 404 ] || fail "/ not refused with 404"
ok "OpenMetrics on request; POST 405, other paths 404"

# node_exporter serves the textfile's series, never a partial file
for ((i = 0; i < 20; i++)); do
	curl -sf "http://127.0.0.1:$P_NODE/metrics" >"$T/node.txt" || fail "node_exporter scrape failed: $(cat "$T/node.err")"
	grep -q '^node_textfile_scrape_error 0$' "$T/node.txt" ||
		fail "node_exporter: textfile error: $(grep textfile "$T/node.txt")"
	grep -q '^rtbpf_build_info{' "$T/node.txt" || fail "node_exporter: no complete rtbpf page"
	sleep 0.1
done
grep -q '^rtbpf_wakeups_total{cpu="1"}' "$T/node.txt" || fail "node_exporter lacks rtbpf_wakeups_total"
[ "$(cat "$T/victim")" = victim ] || fail "the textfile was written through a link"
[ "$(stat -c %a "$TF/rtbpf.prom")" = 644 ] || fail "the textfile is mode $(stat -c %a "$TF/rtbpf.prom"), not 644"
ok "node_exporter serves the --textfile series (20 scrapes, no error)"

# 200 slow clients: a request line and never the rest, held 3 s
(
	fds=()
	for ((i = 0; i < 200; i++)); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$P_MON" 2>/dev/null || continue
		printf 'GET /metrics HTTP/1.1\r\n' 1>&"$fd" || true
		fds+=("$fd")
	done
	echo "${#fds[@]}" >"$T/flood.n"
	sleep 3
) &
flood=$!
_pids+=("$flood")
wait "$flood"
[ "$(code --max-time 2 "http://127.0.0.1:$P_MON/metrics")" = 200 ] ||
	fail "no answer after the slow clients"
ok "the server answers after 200 slow clients ($(cat "$T/flood.n") connected)"

stop_bg "$mon_pid" INT
[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc: $(cat "$T/mon.err")"
no_progs_left || fail "programs left after SIGINT"

# intervals kept their period during the flood (and before it)
late=$(jq -s --argjson p "$((INTERVAL_MS * 1000000))" \
	'[.[] | select(.type=="interval")] | .[:-1] | map(select(.dur_ns > $p * 1.4)) | length' "$T/mon.out")
[ "$late" = 0 ] || fail "$late intervals longer than 1.4 x ${INTERVAL_MS}ms"
ok "every interval within 1.4 x ${INTERVAL_MS}ms, the flood's included"

# the monitor's own p50 for CPU 1 and the exported bucket that holds it
p50=$(jq 'select(.type=="summary") | .cpus[] | select(.cpu==1) | .p50_ns' "$T/mon.out")
if [ -z "$q50" ] || [ -z "$p50" ]; then
	fail "no quantile ($q50) or p50 ($p50)"
fi
read -r lo hi < <(grep '^rtbpf_wait_seconds_bucket{cpu="1"' "$T/scrape.txt" |
	sed 's/.*le="\([^"]*\)".*/\1/' | awk -v p="$p50" '
	$1 == "+Inf" { print lo, "inf"; exit }
	{ b = $1 * 1e9; if (p < b) { print lo, b; exit } lo = b }' lo=0)
awk -v q="$q50" -v lo="$lo" -v hi="$hi" 'BEGIN {
	q *= 1e9; exit !(q >= lo - 1 && (hi == "inf" || q <= hi + 1)) }' ||
	fail "histogram_quantile(0.5) = ${q50}s outside [$lo, $hi) ns, the bucket of the monitor's p50 $p50 ns"
ok "histogram_quantile(0.5) = ${q50}s in [$lo, $hi) ns with the monitor's p50 $p50 ns"
