#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Tuning drift through the exporter: `rtbpf monitor --textfile F --profile
# ultra --check-root R --check-interval 1s` on a fake root made by
# make_tree. The page says compliant 1 once apply --root ran, 0 within a
# few checks after the test changes a knob in the tree, 1 again when it is
# written back; the monitor's intervals keep coming while it checks; the
# check writes nothing to the tree; the monitor ends with 0.
# A bad --profile exits 2 before anything loads; --profile without
# --listen or --textfile, and --check-* without --profile, exit 2. Then
# the same flips through a real Prometheus (Debian prometheus) started on
# loopback with a generated config, free ports and a temp storage dir,
# scraping `monitor --listen` every second: its query API reports
# rtbpf_tuning_compliant 1, 0, 1, contrib's RtbpfTuningDrift is pending
# while drifted and gone after, every contrib rule evaluates, and every
# dashboard query runs. SKIP until the monitor takes --textfile
# and --profile; the Prometheus part is left out without prometheus.
# lib.sh: no set -e (its EXIT trap signals pids that may be gone)
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
: "${RTBPF_TOP:=.}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
need_root
"$RTBPF" monitor --help 2>/dev/null | grep -q -- '--check-root' ||
	skip "monitor has no --profile/--check-root (exporter not wired)"
chmod 755 "$T"
root=$T/root
make_tree "$root" || fail "make_tree"
chmod -R a+rX "$root" # the monitor checks as nobody once loaded
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null || fail "apply"
out=$T/out
mkdir "$out" || fail "mkdir"
chmod 777 "$out"
page=$out/rtbpf.prom

expect_rc 2 "$RTBPF" monitor --textfile "$page" -P no-such-profile --check-root "$root" 2>/dev/null
expect_rc 2 "$RTBPF" monitor -P ultra 2>/dev/null
expect_rc 2 "$RTBPF" monitor --textfile "$page" --check-interval 5s 2>/dev/null
[ ! -e "$page" ] || fail "a refused run wrote the page"
ok "bad --profile and --check-* without --profile exit 2"

cp -a "$root" "$T/applied" || fail "cp"
start_bg mon "$RTBPF" monitor --textfile "$page" --quiet -i 200ms \
	-P ultra --check-root "$root" --check-cpus 2-3 --check-interval 1s
mon=$bg_pid

# page_says VALUE [SECONDS]: until the page reports compliant VALUE.
page_says() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		grep -qx "rtbpf_tuning_compliant $1" "$page" 2>/dev/null && return 0
		kill -0 "$mon" 2>/dev/null || fail "monitor died: $(cat "$T/mon.err")"
		sleep 0.1
	done
	fail "compliant never $1: $(grep -E 'compliant|items.*fail' "$page" | tr '\n' ' ')"
}
intervals() { sed -n 's/^rtbpf_intervals_total //p' "$page"; }

page_says 1
ok "after apply: compliant 1"
echo 60 >"$root/proc/sys/vm/swappiness"
page_says 0 5
grep -qx 'rtbpf_tuning_items{stage="sysctl",state="fail"} 1' "$page" ||
	fail "the changed sysctl is not the one failing item"
ok "a changed knob: compliant 0, one sysctl item failing"
echo 10 >"$root/proc/sys/vm/swappiness"
page_says 1 5
ok "written back: compliant 1"

a=$(intervals)
sleep 1
b=$(intervals)
[ "$((b - a))" -ge 3 ] || fail "intervals stalled while checking: $a -> $b in 1 s"
checks=$(sed -n 's/^rtbpf_tuning_checks_total //p' "$page")
[ "$checks" -ge 3 ] || fail "only $checks checks"
grep -qx 'rtbpf_tuning_check_errors_total 0' "$page" || fail "check errors"
if command -v promtool >/dev/null; then
	promtool check metrics <"$page" >"$T/lint" 2>&1 ||
		{ cat "$T/lint"; fail "promtool check metrics"; }
fi
stop_bg "$mon"
[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc: $(cat "$T/mon.err")"
same_tree "$root" "$T/applied" || fail "the drift check changed the tree"
ok "intervals kept coming ($a -> $b), $checks checks, nothing written"

# The same through a real Prometheus scraping --listen: the flip as its
# query API reports it.
if ! command -v prometheus >/dev/null; then
	echo "note: no prometheus: the scrape part is not run"
	echo PASS
	exit 0
fi
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
mport=$(free_port)
pport=$(free_port)
cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $(realpath "$RTBPF_TOP/contrib/prometheus/rtbpf-alerts.yml")
scrape_configs:
  - job_name: rtbpf
    static_configs:
      - targets: ['127.0.0.1:$mport']
YML
start_bg mon2 "$RTBPF" monitor --listen "127.0.0.1:$mport" --quiet -i 200ms \
	-P ultra --check-root "$root" --check-cpus 2-3 --check-interval 1s
mon=$bg_pid
start_bg prom prometheus --config.file="$T/prometheus.yml" \
	--storage.tsdb.path="$T/tsdb" --web.listen-address="127.0.0.1:$pport"
prom=$bg_pid

# query_says VALUE [SECONDS]: until Prometheus has compliant VALUE.
query_says() {
	local i v
	for ((i = 0; i < ${2:-20} * 4; i++)); do
		v=$(python3 - "$pport" 2>/dev/null <<'PY'
import json, sys, urllib.request
u = "http://127.0.0.1:%s/api/v1/query?query=rtbpf_tuning_compliant" % sys.argv[1]
r = json.load(urllib.request.urlopen(u, timeout=2))["data"]["result"]
print(r[0]["value"][1] if r else "")
PY
)
		[ "$v" = "$1" ] && return 0
		kill -0 "$mon" 2>/dev/null || fail "monitor died: $(cat "$T/mon2.err")"
		kill -0 "$prom" 2>/dev/null || fail "prometheus died: $(tail -n3 "$T/prom.err")"
		sleep 0.25
	done
	fail "Prometheus never saw compliant $1 (last: '$v')"
}
# drift_alert STATE: until contrib's RtbpfTuningDrift is in STATE
# (pending: its 10m have begun; none: not active).
drift_alert() {
	local i v
	for ((i = 0; i < 80; i++)); do
		v=$(python3 - "$pport" 2>/dev/null <<'PY'
import json, sys, urllib.request
u = "http://127.0.0.1:%s/api/v1/alerts" % sys.argv[1]
a = json.load(urllib.request.urlopen(u, timeout=2))["data"]["alerts"]
print(" ".join(x["state"] for x in a if x["labels"]["alertname"] == "RtbpfTuningDrift") or "none")
PY
)
		[ "$v" = "$1" ] && return 0
		sleep 0.25
	done
	fail "RtbpfTuningDrift never $1 (last: '$v')"
}
query_says 1 30
drift_alert none
echo 60 >"$root/proc/sys/vm/swappiness"
query_says 0
drift_alert pending
echo 10 >"$root/proc/sys/vm/swappiness"
query_says 1
drift_alert none
ok "contrib's RtbpfTuningDrift: pending while drifted, gone when fixed"
python3 - "$pport" <<'PY' || fail "a contrib alert rule does not evaluate"
import json, sys, urllib.request
u = "http://127.0.0.1:%s/api/v1/rules" % sys.argv[1]
g = json.load(urllib.request.urlopen(u, timeout=2))["data"]["groups"]
rules = [r for x in g for r in x["rules"]]
assert len(rules) >= 6 and all(r["health"] == "ok" for r in rules), rules
PY
# Every query of contrib's dashboard runs on this Prometheus; the drift
# panels' and the wakeups' return series, and the isolated-CPU ones do
# when every CPU is let through their join.
python3 - "$pport" "$RTBPF_TOP/contrib/grafana/rtbpf.json" <<'PY' >"$T/dash.out" 2>&1 ||
import json, sys, urllib.parse, urllib.request
port, dash = sys.argv[1], json.load(open(sys.argv[2]))
empty = []
for p in dash["panels"]:
    for t in p.get("targets", []):
        e = (t["expr"].replace("$__rate_interval", "15s")
             .replace("$job", ".*").replace("$instance", ".*").replace("$cpu", ".*"))
        u = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": e}))
        r = json.load(urllib.request.urlopen(u, timeout=5))
        assert r["status"] == "success", (p["title"], r)
        if not r["data"]["result"]:
            empty.append(p["title"])
        if "== 1)" in e:
            # the join on rtbpf_cpu_isolated matches: every CPU let in
            # (this host may have no isolated CPU) gives series
            u = "http://127.0.0.1:%s/api/v1/query?%s" % (
                port, urllib.parse.urlencode({"query": e.replace("== 1)", ">= 0)")}))
            r = json.load(urllib.request.urlopen(u, timeout=5))
            assert r["data"]["result"], ("join matches nothing", p["title"])
for must in ("Compliant", "Failing items by stage", "Last check age", "Profile",
             "Wakeups per CPU"):
    assert must not in empty, ("no data", must)
print("empty on this host:", ", ".join(sorted(set(empty))) or "none")
PY
	{ cat "$T/dash.out"; fail "a dashboard query"; }
ok "every dashboard query runs on Prometheus ($(cat "$T/dash.out"))"
stop_bg "$prom" TERM
stop_bg "$mon"
[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc: $(cat "$T/mon2.err")"
ok "Prometheus scraping --listen saw compliant 1, 0 on a changed knob, 1 again"
echo PASS
