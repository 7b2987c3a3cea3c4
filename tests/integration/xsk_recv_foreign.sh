#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# xsk recv against ground truth: N datagrams of rtbpf payload from `xsk
# send`, F foreign ones and B that carry the payload's magic but fail its
# checks, all from sockets in the peer namespace, to two ports. recv's
# counts match exactly (foreign apart from bad), it says on its first
# lines every port it listens on and what payload it expects, prints a
# progress line (or an interval record) per --interval unless --quiet, and
# exits 1 only when some were bad.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
netns_up
command -v jq >/dev/null || skip "jq missing"
N=500
F=300
B=7

# send_foreign COUNT PORT: COUNT datagrams without the payload's magic (one
# of them 1 byte long), each from a kernel UDP socket in namespace A.
send_foreign() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	in_a bash -c 'printf x >"/dev/udp/$2/$3"
		for ((i = 1; i < $1; i++)); do
			printf "foreign datagram %d" "$i" >"/dev/udp/$2/$3"
		done' _ "$1" "$IP_B" "$2" || fail "foreign datagrams"
}
# send_bad COUNT PORT: the payload's magic ("RTBX" in host order), then a
# length that is not the datagram's.
send_bad() {
	# shellcheck disable=SC2016
	in_a bash -c 'for ((i = 0; i < $1; i++)); do
			printf "RTBX\377\0\0\0 not an rtbpf payload" >"/dev/udp/$2/$3"
		done' _ "$1" "$IP_B" "$2" || fail "bad datagrams"
}
send_rtbpf() { # COUNT PORT
	in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:$2" --count "$1" \
		--rate 20000 --mode socket >"$T/send.out" 2>&1 ||
		fail "xsk send: $(cat "$T/send.out")"
}

# Text: every port on the first line, the payload on the next, progress
# lines, exact counts, exit 1 for the bad ones.
start_bg txt "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9300 \
	--port 9301 --count $((N + F + B)) --duration 60s --interval 100ms
txt=$bg_pid
wait_line "$T/txt.out" 'mode copy' || fail "recv not ready: $(cat "$T/txt.err")"
head -n 1 "$T/txt.out" | grep -q 'veth1 queue 0, UDP ports 9300,9301 to any address, mode copy' ||
	fail "first line: $(head -n 1 "$T/txt.out")"
sed -n 2p "$T/txt.out" | grep -q 'expects the payload of rtbpf xsk send (magic RTBX' ||
	fail "payload line: $(sed -n 2p "$T/txt.out")"
ok "start: $(head -n 2 "$T/txt.out" | tr '\n' ' ')"
send_rtbpf "$N" 9300
send_foreign "$F" 9301
sleep 0.3 # a progress line while it waits for the rest
send_bad "$B" 9300
rc=0
wait "$txt" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc with $B bad, want 1: $(cat "$T/txt.err")"
grep -q "xsk recv: $B bad datagrams" "$T/txt.err" ||
	fail "no error for the bad ones: $(cat "$T/txt.err")"
want="received $((N + F + B)) datagrams: $N intact, $B bad, 0 truncated, 0 duplicates; $F foreign"
grep -qF "$want" "$T/txt.out" || fail "counts: $(grep received "$T/txt.out"), want $want"
ok "exit 1: $want"
grep -qE '^ +[0-9.]+s [0-9]+ datagrams \(\+[0-9]+\): [0-9]+ intact, [0-9]+ foreign, [0-9]+ bad' \
	"$T/txt.out" || fail "no progress line: $(cat "$T/txt.out")"
ok "progress: $(grep -m1 -E '^ +[0-9.]+s ' "$T/txt.out")"
xsk_nothing_left || fail "XDP program left attached"

# --json: a header naming both ports, interval records, the final counts;
# foreign datagrams alone leave the exit code 0.
start_bg js "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9302 \
	--port 9303 --count $((N + F)) --duration 60s --interval 100ms --json
js=$bg_pid
wait_line "$T/js.out" '"type":"header"' || fail "json recv not ready: $(cat "$T/js.err")"
jq -se '.[0] | .type == "header" and .ports == [9302, 9303] and
	.payload == "rtbpf"' "$T/js.out" >/dev/null || fail "header: $(head -n 1 "$T/js.out")"
send_foreign "$F" 9303
sleep 0.3
send_rtbpf "$N" 9302
wait "$js" || fail "json recv: exit $? with no bad ones: $(cat "$T/js.err")"
rec=$(jq -c 'select(.type == "xsk_recv") | [.received, .intact, .foreign, .bad]' "$T/js.out")
[ "$rec" = "[$((N + F)),$N,$F,0]" ] || fail "json counts $rec, want [$((N + F)),$N,$F,0]"
n=$(jq -c 'select(.type == "interval")' "$T/js.out" | wc -l)
((n >= 2)) || fail "$n interval records: $(cat "$T/js.out")"
jq -se 'map(select(.type == "interval")) |
	all(.elapsed_ns > 0 and .foreign <= '"$F"' and .received >= .foreign)' \
	"$T/js.out" >/dev/null || fail "interval records: $(grep interval "$T/js.out")"
ok "json: received, intact, foreign, bad = $rec; $n interval records; exit 0"

# --quiet: the first lines and the result, no progress.
in_b "$RTBPF" xsk recv --dev veth1 --port 9304 --duration 300ms \
	--interval 50ms --quiet >"$T/q.out" 2>&1 || fail "quiet recv: $(cat "$T/q.out")"
! grep -qE '^ +[0-9.]+s ' "$T/q.out" || fail "--quiet printed progress: $(cat "$T/q.out")"
grep -q 'received 0 datagrams' "$T/q.out" || fail "quiet: $(cat "$T/q.out")"
ok "--quiet: $(wc -l <"$T/q.out") lines, no progress"
xsk_nothing_left || fail "XDP program left attached"
ok "nothing left attached"
