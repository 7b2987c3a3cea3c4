#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf timerlat and osnoise as Prometheus exporters (docs/exporter.md):
#  - bad --listen values and a --textfile not ending in .prom exit 2
#    naming the option, before any BPF program loads;
#  - --textfile and --json in one run: promtool check metrics passes on
#    the file, and its figures are the JSON summary's: osnoise's runtime,
#    noise, gaps, hardware gaps, noise seconds and events by source per
#    CPU, to the ns; timerlat's samples (the thread latency histogram's
#    count, its +Inf bucket) and IRQ samples, overruns, violations, and
#    samples plus overruns = the periods run (--duration / --period);
#  - the families on the pages are those docs/exporter.md lists;
#  - --listen on 127.0.0.1 (an ephemeral port): scraped while each runs
#    (curl, else bash's /dev/tcp), promtool passes on the text format,
#    OpenMetrics is served on request, the
#    counters rise between scrapes, the server thread holds no
#    capability but CAP_IPC_LOCK (the probes keep theirs), a second run on the port exits
#    2; SIGINT: exit 0, the port closed, no program left.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
for b in promtool jq ss; do
	command -v "$b" >/dev/null || skip "$b missing (make deps installs it)"
done

# scrape PORT [ACCEPT]: the /metrics page on 127.0.0.1:PORT.
scrape() {
	local fd h=()
	if command -v curl >/dev/null; then
		[ -z "${2:-}" ] || h=(-H "Accept: $2")
		curl -sf --max-time 2 "${h[@]}" "http://127.0.0.1:$1/metrics"
		return
	fi
	exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n%s\r\n' \
		"${2:+Accept: $2$'\r\n'}" >&"$fd"
	# status line 200, then the body after the blank line
	timeout 2 cat <&"$fd" | tr -d '\r' | awk 'NR == 1 && $2 != 200 { exit 1 }
		body { print } /^$/ { body = 1 }'
	exec {fd}>&-
}
# val FILE SERIES: the value of one series ("name{labels}") of a page.
val() {
	awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$1"
}
# same_ns SECONDS NS: a value in seconds is NS to the ns.
same_ns() {
	awk -v s="$1" -v n="$2" 'BEGIN { d = s * 1e9 - n; exit !(d > -1 && d < 1) }'
}
# sumj FILE CPU JQ: a figure of CPU in the JSON summary.
sumj() {
	jq -s --argjson c "$2" "[.[] | select(.type==\"summary\") | .cpus[] |
		select(.cpu==\$c)][0] | $3" "$1"
}
check_page() { # FILE WHAT
	promtool check metrics <"$1" >"$T/promtool.out" 2>&1 ||
		fail "$2: promtool check metrics: $(cat "$T/promtool.out")"
}

before=$(rtbpf_progs)
port=$(free_port)
for cmd in timerlat osnoise; do
	for v in 0 70000 garbage host.invalid:9100 "[::1:80"; do
		"$RTBPF" "$cmd" --listen "$v" --duration 1s >/dev/null 2>"$T/bad.err"
		rc=$?
		[ "$rc" = 2 ] || fail "$cmd --listen '$v' exited $rc, not 2"
		grep -q -- '--listen' "$T/bad.err" || fail "$cmd --listen '$v': $(cat "$T/bad.err")"
	done
	"$RTBPF" "$cmd" --textfile "$T/x.txt" >/dev/null 2>"$T/bad.err"
	rc=$?
	[ "$rc" = 2 ] || fail "$cmd --textfile x.txt exited $rc, not 2"
	grep -q -- '--textfile' "$T/bad.err" || fail "$cmd --textfile: $(cat "$T/bad.err")"
done
[ "$(rtbpf_progs)" = "$before" ] || fail "a refused run loaded programs"
ok "bad --listen and --textfile values exit 2 naming the option, nothing loaded"

# osnoise: the textfile holds the summary's figures
"$RTBPF" osnoise --cpus 0-1 --period 100ms --runtime 50ms --duration 2s \
	--json --textfile "$T/osn.prom" >"$T/osn.json" 2>"$T/osn.err" ||
	fail "osnoise failed: $(cat "$T/osn.err")"
check_page "$T/osn.prom" "osnoise --textfile"
left=$(find "$T" -maxdepth 1 -name '.osn.prom.*')
[ -z "$left" ] || fail "osnoise left its temp file: $left"
n=0
for cpu in 0 1; do
	l="{cpu=\"$cpu\"}"
	for f in runtime:runtime_seconds_total noise:noise_seconds_total; do
		s=$(val "$T/osn.prom" "rtbpf_osnoise_${f#*:}$l") || fail "no ${f#*:} of CPU $cpu"
		ns=$(sumj "$T/osn.json" "$cpu" ".${f%%:*}_ns")
		same_ns "$s" "$ns" || fail "CPU $cpu: ${f%%:*} ${s}s in the textfile, $ns ns in the summary"
	done
	[ "$(val "$T/osn.prom" "rtbpf_osnoise_gaps_total$l")" = "$(sumj "$T/osn.json" "$cpu" .gaps)" ] ||
		fail "CPU $cpu: gaps differ"
	[ "$(val "$T/osn.prom" "rtbpf_osnoise_hw_gaps_total$l")" = "$(sumj "$T/osn.json" "$cpu" .hw_gaps)" ] ||
		fail "CPU $cpu: hardware gaps differ"
	for src in irq vector softirq nmi thread unexplained hw; do
		sl="{cpu=\"$cpu\",source=\"$src\"}"
		case $src in
		unexplained) q=.unexplained_ns ;;
		hw) q=.hw_ns ;;
		*) q=".sources.$src.ns" ;;
		esac
		same_ns "$(val "$T/osn.prom" "rtbpf_osnoise_source_seconds_total$sl")" \
			"$(sumj "$T/osn.json" "$cpu" "$q")" || fail "CPU $cpu: $src seconds differ"
		n=$((n + 1))
		[ "$q" = ".sources.$src.ns" ] || continue
		[ "$(val "$T/osn.prom" "rtbpf_osnoise_source_events_total$sl")" = \
			"$(sumj "$T/osn.json" "$cpu" ".sources.$src.count")" ] ||
			fail "CPU $cpu: $src events differ"
	done
	val "$T/osn.prom" "rtbpf_osnoise_max_gap_seconds$l" >/dev/null || fail "no max gap of CPU $cpu"
done
ok "osnoise --textfile: promtool passes; runtime, noise, gaps and $n sources per CPU are the summary's"

# timerlat: samples = the summary's = the periods run
"$RTBPF" timerlat --cpus 0-1 --period 1ms --duration 2s --json \
	--textfile "$T/tl.prom" >"$T/tl.json" 2>"$T/tl.err" ||
	fail "timerlat failed: $(cat "$T/tl.err")"
check_page "$T/tl.prom" "timerlat --textfile"
for cpu in 0 1; do
	l="{cpu=\"$cpu\"}"
	c=$(val "$T/tl.prom" "rtbpf_timerlat_thread_latency_seconds_count$l") || fail "no count of CPU $cpu"
	[ "$c" = "$(sumj "$T/tl.json" "$cpu" .count)" ] || fail "CPU $cpu: $c samples, the summary $(sumj "$T/tl.json" "$cpu" .count)"
	[ "$(val "$T/tl.prom" "rtbpf_timerlat_thread_latency_seconds_bucket{cpu=\"$cpu\",le=\"+Inf\"}")" = "$c" ] ||
		fail "CPU $cpu: +Inf bucket is not the count"
	[ "$(val "$T/tl.prom" "rtbpf_timerlat_irq_latency_seconds_count$l")" = "$(sumj "$T/tl.json" "$cpu" .irq.count)" ] ||
		fail "CPU $cpu: IRQ samples differ"
	o=$(val "$T/tl.prom" "rtbpf_timerlat_overruns_total$l")
	[ "$o" = "$(sumj "$T/tl.json" "$cpu" .overruns)" ] || fail "CPU $cpu: overruns differ"
	[ "$(val "$T/tl.prom" "rtbpf_timerlat_violations_total$l")" = 0 ] || fail "CPU $cpu: violations"
	# every expiry before the deadline (2000) was a sample or an
	# overrun; a few more ran until the probes stopped
	p=$((c + o))
	{ [ "$p" -ge 1999 ] && [ "$p" -le 2100 ]; } || fail "CPU $cpu: $c samples + $o overruns for 2000 periods"
	echo "CPU $cpu: $c samples + $o overruns for 2000 periods"
done
ok "timerlat --textfile: promtool passes; samples are the summary's and the periods run"

# the families on the pages are the ones docs/exporter.md lists
doc=$(dirname "$0")/../../docs/exporter.md
grep -h '^# TYPE rtbpf_\(timerlat\|osnoise\)_' "$T/tl.prom" "$T/osn.prom" |
	awk '{ print $3 }' | sort >"$T/fams.page"
# shellcheck disable=SC2016 # backquotes of markdown
grep -o '`rtbpf_\(timerlat\|osnoise\)_[a-z_]*`' "$doc" | tr -d '`' | sort -u >"$T/fams.doc"
diff "$T/fams.page" "$T/fams.doc" >"$T/fams.diff" ||
	fail "families on the pages (<) and in docs/exporter.md (>) differ: $(cat "$T/fams.diff")"
ok "the $(wc -l <"$T/fams.page") timerlat and osnoise families are the ones docs/exporter.md lists"

# --listen: scraped while each runs
for cmd in osnoise timerlat; do
	port=$(free_port)
	case $cmd in
	osnoise) args=(--period 100ms --runtime 50ms) fam=rtbpf_osnoise_runtime_seconds_total ;;
	timerlat) args=(--period 1ms) fam=rtbpf_timerlat_thread_latency_seconds_count ;;
	esac
	start_bg "$cmd" "$RTBPF" "$cmd" --cpus 1 "${args[@]}" --interval 200ms \
		--json --listen "127.0.0.1:$port"
	pid=$bg_pid
	wait_line "$T/$cmd.out" "\"type\":\"$cmd\"" || fail "$cmd did not start: $(cat "$T/$cmd.err")"
	ids=$(prog_ids "$pid")
	scrape "$port" >"$T/s1.txt" || fail "$cmd: scrape failed"
	sleep 0.5
	scrape "$port" >"$T/s2.txt" || fail "$cmd: second scrape failed"
	scrape "$port" 'application/openmetrics-text; version=1.0.0' >"$T/om.txt" ||
		fail "$cmd: OpenMetrics scrape failed"
	check_page "$T/s2.txt" "$cmd --listen"
	# promtool reads the text format only
	[ "$(tail -n 1 "$T/om.txt")" = "# EOF" ] || fail "$cmd: OpenMetrics page does not end in # EOF"
	grep -q "^# TYPE ${fam%_*} " "$T/om.txt" || fail "$cmd: OpenMetrics page lacks ${fam%_*}"
	a=$(val "$T/s1.txt" "$fam{cpu=\"1\"}") || fail "$cmd: no $fam"
	b=$(val "$T/s2.txt" "$fam{cpu=\"1\"}")
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > a) }' || fail "$cmd: $fam did not rise ($a -> $b)"
	grep -q '^rtbpf_build_info{' "$T/s2.txt" || fail "$cmd: no rtbpf_build_info"
	# the server's thread holds no capability but CAP_IPC_LOCK (bit
	# 14: its memory is locked as the process's); the probes theirs
	bare=0
	for t in /proc/"$pid"/task/*; do
		[ "${t##*/}" = "$pid" ] && continue
		grep -q "rtbpf-$cmd" "$t/comm" && continue
		for s in CapEff CapPrm; do
			grep -qE "^$s:[[:space:]]*0*4?000\$" "$t/status" ||
				fail "$cmd: thread $(cat "$t/comm") holds $(grep "^$s" "$t/status")"
		done
		bare=$((bare + 1))
	done
	[ "$bare" -ge 1 ] || fail "$cmd: no server thread"
	"$RTBPF" "$cmd" --cpus 1 --listen "127.0.0.1:$port" >/dev/null 2>"$T/bad.err"
	rc=$?
	[ "$rc" = 2 ] || fail "$cmd --listen on a used port exited $rc, not 2"
	stop_bg "$pid" INT
	[ "$stop_rc" = 0 ] || fail "$cmd exited $stop_rc: $(cat "$T/$cmd.err")"
	scrape "$port" >/dev/null 2>&1 && fail "$cmd: the port still answers"
	# shellcheck disable=SC2086 # a list of ids
	gone $ids || fail "$cmd: BPF programs left: $ids"
	ok "$cmd --listen: $fam $a -> $b, promtool passes, OpenMetrics on request, server thread holding only CAP_IPC_LOCK at most, used port exits 2, SIGINT leaves nothing"
done
