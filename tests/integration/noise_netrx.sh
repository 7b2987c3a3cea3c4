#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A UDP flood across a veth pair between two namespaces this test creates
# (198.18.0.0/15 only), sent from CPU 1: veth hands each packet to the
# receive backlog of the sending CPU, so NET_RX softirqs run on CPU 1.
# The monitor must count them there: at least one per 300 packets (the
# softirq's budget) and more than in a quiet interval before.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cpus 2
N=3000
veth_netns nrx

netrx() { # file: NET_RX count on CPU 1 in the summary record
	jq -s '[.[] | select(.type=="summary") | .cpus[] | select(.cpu==1) |
	     .noise.softirqs[] | select(.name=="NET_RX") | .count] | add // 0' "$1"
}

"$RTBPF" monitor --collectors softirq --cpus 1 --json --duration 1s >"$T/quiet.out" 2>"$T/quiet.err" ||
	fail "quiet monitor failed: $(cat "$T/quiet.err")"
quiet=$(netrx "$T/quiet.out")

start_bg mon "$RTBPF" monitor --collectors softirq --cpus 1 --json --interval 500ms
mon_pid=$bg_pid
wait_line "$T/mon.out" '"type":"header"' || fail "monitor did not start: $(cat "$T/mon.err")"
# shellcheck disable=SC2016 # expanded by the inner shell
ip netns exec "$ns_a" taskset -c 1 bash -c \
	'for ((i = 0; i < $1; i++)); do printf x >/dev/udp/198.18.0.2/9; done' _ "$N" ||
	fail "sending failed"
stop_bg "$mon_pid" INT
[ "$stop_rc" = 0 ] || fail "monitor exited $stop_rc: $(cat "$T/mon.err")"
no_progs_left || fail "programs left"
flood=$(netrx "$T/mon.out")
echo "NET_RX on CPU 1: quiet second $quiet, during $N packets $flood"
[ "$flood" -ge $((N / 300)) ] || fail "NET_RX $flood < $((N / 300))"
[ "$flood" -gt "$quiet" ] || fail "NET_RX during the flood ($flood) not above quiet ($quiet)"
ok "NET_RX softirqs on CPU 1 rose from $quiet to $flood with $N packets"
