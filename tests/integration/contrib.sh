#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# contrib/: the alert rules pass `promtool check rules` and their unit
# tests (`promtool test rules`: each alert fires on the series that should
# raise it and only those); the Grafana dashboard is valid JSON whose
# panels all query something; the systemd unit passes `systemd-analyze
# verify` (left out when absent) and its CapabilityBoundingSet lets the
# monitor load its programs (setpriv, as root); and every rtbpf_* metric
# name the dashboard and the rules use is one the exporter serves: a name
# on a real --textfile page (where the exporter runs: root, `monitor
# --textfile` built) or in the drift page of tests/tools/drift_prom on a
# fake root, or else a "rtbpf_..." family name in user/'s source with a
# sample suffix (families only some hosts serve: BPF run time needs
# kernel.bpf_stats_enabled). A name in neither fails.
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
: "${RTBPF_TOP:=.}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
C=$RTBPF_TOP/contrib
command -v promtool >/dev/null || skip "no promtool (apt install prometheus)"

promtool check rules "$C/prometheus/rtbpf-alerts.yml" >"$T/rules.out" 2>&1 ||
	{ cat "$T/rules.out"; fail "promtool check rules"; }
(cd "$C/prometheus" && promtool test rules rtbpf-alerts.test.yml) >"$T/test.out" 2>&1 ||
	{ cat "$T/test.out"; fail "promtool test rules"; }
ok "alert rules: checked, unit tests pass"

python3 - "$C/grafana/rtbpf.json" <<'PY' || fail "dashboard"
import json, sys
d = json.load(open(sys.argv[1]))
ids = set()
for p in d["panels"]:
    assert p["id"] not in ids, p["id"]
    ids.add(p["id"])
    g = p["gridPos"]
    assert 0 <= g["x"] and g["x"] + g["w"] <= 24, p["title"]
    if p["type"] == "row":
        continue
    assert p["targets"], p["title"]
    for t in p["targets"]:
        assert "rtbpf_" in t["expr"], (p["title"], t["expr"])
PY
ok "dashboard: valid, every panel queries rtbpf metrics"
# Its queries parse as PromQL: as recording rules for promtool, Grafana's
# variables replaced by what they stand for.
python3 - "$C/grafana/rtbpf.json" >"$T/dash-rules.yml" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("groups:\n  - name: dashboard\n    rules:")
n = 0
for p in d["panels"]:
    for t in p.get("targets", []):
        e = (t["expr"].replace("$__rate_interval", "5m")
             .replace("$job", ".*").replace("$instance", ".*").replace("$cpu", ".*"))
        n += 1
        print("      - record: dashboard:q%d" % n)
        print("        expr: %s" % json.dumps(e))
PY
promtool check rules "$T/dash-rules.yml" >"$T/dash.out" 2>&1 ||
	{ cat "$T/dash.out"; fail "a dashboard query does not parse"; }
ok "dashboard: $(grep -c 'record:' "$T/dash-rules.yml") queries parse"

if command -v systemd-analyze >/dev/null; then
	# verify wants ExecStart's binary to exist: the one built here
	sed "s|/usr/sbin/rtbpf|$(realpath "$RTBPF")|" \
		"$C/rtbpf-exporter.service" >"$T/rtbpf-exporter.service"
	systemd-analyze verify --man=no "$T/rtbpf-exporter.service" >"$T/verify.out" 2>&1 ||
		{ cat "$T/verify.out"; fail "systemd-analyze verify"; }
	ok "systemd unit verifies"
else
	echo "note: no systemd-analyze; unit not verified"
fi
# The unit's capability bounding set still lets the monitor load and
# attach (and drop to nobody): run it under that set alone.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$C/rtbpf-exporter.service" |
		tr ' ' '\n' | sed 's/^CAP_/+/' | tr '[:upper:]' '[:lower:]' | paste -sd, -)
	setpriv --bounding-set=-all,"$caps" --inh-caps=-all \
		"$RTBPF" monitor -n 2 -i 200ms >"$T/caps.out" 2>"$T/caps.err" ||
		fail "monitor under the unit's capabilities ($caps): $(tail -n1 "$T/caps.err")"
	grep -q . "$T/caps.out" || fail "monitor under the unit's capabilities printed nothing"
	ok "the monitor loads under the unit's CapabilityBoundingSet ($caps)"
fi

# The names used: every rtbpf_* word of the dashboard and the rules.
grep -ohE '\brtbpf_[a-z0-9_]+' "$C/grafana/rtbpf.json" \
	"$C/prometheus/rtbpf-alerts.yml" | sort -u >"$T/used"

# families FILE: every sample name a page's # TYPE lines announce.
families() {
	awk '$1 == "#" && $2 == "TYPE" {
		n = $3
		if ($4 == "histogram") {
			print n "_bucket"; print n "_sum"; print n "_count"
		} else if ($4 == "counter" && n !~ /_total$/) {
			print n "_total"
		} else if ($4 == "info") {
			print n "_info"
		} else print n
	}' "$1"
}

root=$T/root
make_tree "$root"
"$RTBPF_BUILD/tests/drift_prom" -P ultra --check-root "$root" --check-cpus 2-3 >"$T/drift.prom"
families "$T/drift.prom" >"$T/page"
page=no
if [ "$(id -u)" = 0 ] && "$RTBPF" monitor --help 2>/dev/null | grep -q -- '--textfile'; then
	chmod 777 "$T" # the monitor writes as nobody once loaded
	if "$RTBPF" monitor --textfile "$T/page.prom" --quiet -i 200ms -n 3 \
		>"$T/mon.out" 2>"$T/mon.err"; then
		families "$T/page.prom" >>"$T/page"
		page=yes
	else
		echo "note: monitor --textfile could not run: $(tail -n1 "$T/mon.err")"
	fi
fi
sort -u -o "$T/page" "$T/page"
# the family names in the source, with every sample suffix
grep -rhoE '"rtbpf_[a-z0-9_]+"' "$RTBPF_TOP/user" | tr -d '"' |
	awk '{ print; print $0 "_total"; print $0 "_bucket"
	       print $0 "_sum"; print $0 "_count"; print $0 "_info" }' |
	sort -u >"$T/source"
missing=$(sort -u "$T/page" "$T/source" | comm -23 "$T/used" -)
if [ -n "$missing" ]; then
	if ! grep -rq '"rtbpf_wait_seconds"' "$RTBPF_TOP/user"; then
		# before the exporter is in the tree, only drift's names are known
		grep -q '^rtbpf_tuning_' <<<"$missing" &&
			fail "drift names not served: $(grep '^rtbpf_tuning_' <<<"$missing" | tr '\n' ' ')"
		skip "the exporter is not in this tree: $(wc -l <<<"$missing") names unverified"
	fi
	fail "contrib/ uses names the exporter does not have: $(tr '\n' ' ' <<<"$missing")"
fi
if [ "$page" = yes ]; then
	# a family served only on some hosts (BPF run time needs
	# kernel.bpf_stats_enabled) is in the source but not on this page
	cond=$(comm -23 "$T/used" "$T/page" | tr '\n' ' ')
	[ -z "$cond" ] || echo "note: not on this host's page, in the source: $cond"
	ok "the $(wc -l <"$T/used") metric names contrib/ uses are served (a real --textfile page, the source for the rest)"
else
	ok "the $(wc -l <"$T/used") metric names contrib/ uses are in the exporter's source (no --textfile run here)"
fi
echo PASS
