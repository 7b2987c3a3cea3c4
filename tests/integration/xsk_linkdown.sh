#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# An error from rtbpf_xsk__send means "not sent", so a client may retry:
# one copy-mode sender process (tests/tools/xsk_retry) sends while its own
# link is down (ENETDOWN) and while the peer's is down (no carrier: the
# device drops it, EBUSY), retries each datagram once the link is back,
# and the peer's UDP socket must get each datagram exactly once.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
RETRY=$RTBPF_BUILD/tests/xsk_retry
PEER=$RTBPF_BUILD/tests/xsk_peer
netns_up "$RETRY" "$PEER"
port=9600

start_bg peer "${IN_B[@]}" "$PEER" "$port" 2 3000
wait_line "$T/peer.out" '^ready' || fail "peer not ready"
coproc SENDER { in_a "$RETRY" veth0 "$IP_B" "$port" 2>&1; }
_pids+=("$SENDER_PID")
ask() { # line -> the sender's answer in $reply
	echo "$1" >&"${SENDER[1]}"
	read -r -t 10 reply <&"${SENDER[0]}" || fail "sender did not answer '$1'"
}
read -r -t 10 reply <&"${SENDER[0]}" || fail "sender did not start"
[ "$reply" = ready ] || fail "sender: $reply"
carrier() { # ns dev: waits until the link has carrier again
	local i
	for ((i = 0; i < 50; i++)); do
		ip -n "$1" link show "$2" | grep -q 'state UP' && return 0
		sleep 0.1
	done
	fail "$2 has no carrier"
}

# down_retry WHAT NS DEV SEQ RC COUNTER: with DEV of NS down, "send SEQ"
# must fail with RC and count COUNTER=1; with it up again, the retry of
# the same datagram must succeed.
down_retry() {
	local what=$1 ns=$2 dev=$3 seq=$4 rc=$5 counter=$6
	ip -n "$ns" link set "$dev" down
	ask "send $seq"
	[ "$reply" = "rc=$rc" ] || fail "$what: $reply, want rc=$rc"
	ask stats
	grep -q "$counter=1" <<<"$reply" || fail "$what: $counter not counted: $reply"
	ok "$what: send says rc=$rc, $counter counted ($reply)"
	ip -n "$ns" link set "$dev" up
	carrier "$NS_A" veth0
	ask "send $seq"
	[ "$reply" = "rc=0" ] || fail "$what: retry once the link is back: $reply"
}
# Our own link down: the kick fails (ENETDOWN) before the kernel looks at
# the ring, and the frame is taken back.
down_retry "link down" "$NS_A" veth0 1 -100 withdrawn
# The peer down: veth0 has no carrier, the device drops the frame (EBUSY).
down_retry "no carrier" "$NS_B" veth1 2 -16 tx_dropped
ask reap
echo quit >&"${SENDER[1]}"
wait "$SENDER_PID" || fail "sender exit"

wait "$bg_pid"
res=$(tail -n 1 "$T/peer.out")
grep -q 'received=2 intact=2 bad=0 dup=0' <<<"$res" ||
	fail "peer: $res (want each datagram exactly once)"
ok "each retried datagram arrived once: $res"
xsk_nothing_left || fail "left attached"

# The CLI reports what the device dropped and fails: a batch of 10 sent
# without carrier counts as 0 sent.
ip -n "$NS_B" link set veth1 down
# taking veth0 down above flushed its neighbours
ip -n "$NS_A" neigh replace "$IP_B" lladdr "$(in_b cat /sys/class/net/veth1/address)" \
	dev veth0 nud permanent
rc=0
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:$port" --mode copy --count 10 \
	--batch 4 --json >"$T/cli.out" 2>"$T/cli.err" || rc=$?
[ "$rc" = 1 ] || fail "send without carrier: exit $rc, want 1"
grep -q 'the device dropped 10 datagram' "$T/cli.err" || fail "no drop message: $(cat "$T/cli.err")"
grep -q '"sent":0,' "$T/cli.out" || fail "drops counted as sent: $(grep '"sent"' "$T/cli.out")"
grep -q '"tx_dropped":10,' "$T/cli.out" || fail "tx_dropped: $(cat "$T/cli.out")"
ok "CLI without carrier: exit 1, $(cat "$T/cli.err")"
xsk_nothing_left || fail "left attached"
