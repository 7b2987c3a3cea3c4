#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf xsk: unknown interface, bad address, queue out of range, missing
# privileges: one clear line on stderr, the documented exit code, nothing
# left attached. Without privileges the ladder ends in socket mode and
# says why; --strict refuses instead.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
netns_up

expect() { # code regex cmd...
	local code=$1 re=$2 rc=0
	shift 2
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$code" ] || fail "$*: exit $rc, want $code ($(cat "$T/err"))"
	grep -qE -e "$re" "$T/err" || fail "$*: stderr '$(cat "$T/err")' lacks /$re/"
	[ "$(wc -l <"$T/err")" -le 2 ] || fail "$*: more than a line of error"
	xsk_nothing_left || fail "$*: left something attached"
	ok "exit $rc: $(head -n 1 "$T/err")"
}

S=(xsk send --count 1)
expect 2 'interface nosuch0: No such device' \
	in_a "$RTBPF" "${S[@]}" --dev nosuch0 --dst "$IP_B:9000"
expect 2 "xsk send: --dst: '198.18.0.300:9000' is not IPv4:PORT" \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst 198.18.0.300:9000
expect 2 "--dst: '$IP_B' is not IPv4:PORT" \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst "$IP_B"
expect 2 'queue 5 out of range for veth0' \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst "$IP_B:9000" --queue 5
expect 2 'queue 3 out of range for veth1' \
	in_b "$RTBPF" xsk recv --dev veth1 --port 9000 --queue 3
expect 2 "--mode: 'fast' is not one of auto, zerocopy, copy, socket" \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst "$IP_B:9000" --mode fast
expect 2 'no neighbour entry for 198.18.0.3 on veth0: ping it once, or give its MAC with --dst-mac' \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst 198.18.0.3:9000
expect 2 "xsk recv: --ring: '3' is not a power of two" \
	in_b "$RTBPF" xsk recv --dev veth1 --port 9000 --ring 3
expect 2 "xsk send: --frames: '100' is not a power of two" \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst "$IP_B:9000" --frames 100
expect 2 'unknown option' in_a "$RTBPF" xsk recv --bogus
expect 2 'xsk send: --size: 10 is out of range \[24, 65507\]' \
	in_a "$RTBPF" "${S[@]}" --dev veth0 --dst "$IP_B:9000" --size 10
expect 2 'xsk recv: --port PORT is required' in_b "$RTBPF" xsk recv --dev veth1
expect 2 "expected 'send' or 'recv'" "$RTBPF" xsk frobnicate
expect 2 "xsk: expected 'send' or 'recv' before the options, not '-I'" \
	"$RTBPF" xsk -I veth1 recv --port 9000
expect 2 "xsk recv: --dev: '' is no interface name \(1 to 15 characters\)" \
	"$RTBPF" xsk recv -I "" --port 9000

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
expect 1 'copy bind: Operation not permitted \(needs CAP_NET_RAW\)' \
	in_b "${NOBODY[@]}" "$RTBPF" xsk recv --dev veth1 --port 9000 \
	--mode copy --strict --count 1
# Without --strict: socket mode, and the reason on the first line.
in_b "${NOBODY[@]}" "$RTBPF" xsk recv --dev veth1 --port 9000 \
	--duration 200ms >"$T/out" 2>&1 || fail "unprivileged recv: $(cat "$T/out")"
grep -q 'mode socket (zero-copy bind: Operation not permitted; copy bind: Operation not permitted (needs CAP_NET_RAW); fell back to a UDP socket)' \
	"$T/out" || fail "unprivileged fallback: $(head -n 1 "$T/out")"
ok "unprivileged: $(head -n 1 "$T/out")"
xsk_nothing_left || fail "left attached"

# A queue beyond the XSKMAP's default 64 slots: the map grows to fit it.
ip -n "$NS_A" link add qa numrxqueues 128 numtxqueues 128 type veth \
	peer name qb numrxqueues 128 numtxqueues 128 || fail "128-queue veth"
ip -n "$NS_A" link set qa up
ip -n "$NS_A" link set qb up
in_a "$RTBPF" xsk recv --dev qb --port 9000 --queue 100 --duration 300ms >"$T/out" 2>&1 ||
	fail "recv on queue 100: $(cat "$T/out")"
grep -q 'qb queue 100, UDP port 9000 to any address, mode copy' "$T/out" || fail "queue 100: $(head -n 1 "$T/out")"
ok "queue 100 of 128: $(head -n 1 "$T/out")"
xsk_nothing_left || fail "left attached"

# Socket mode to a port nobody listens on: the peer's ICMP port
# unreachable fails a later send() of the connected socket with
# ECONNREFUSED; the library counts it and sends again, so all go out.
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9999" --mode socket --count 50 \
	--rate 1000 --json >"$T/out" 2>"$T/err" || fail "socket send to a closed port: $(cat "$T/err")"
grep -q '"sent":50' "$T/out" || fail "closed port: not all sent: $(cat "$T/out")"
grep -q '"icmp_refused":[1-9]' "$T/out" || fail "closed port: no ICMP refusal seen: $(cat "$T/out")"
ok "socket mode to a closed port: 50 sent, $(grep -o '"icmp_refused":[0-9]*' "$T/out")"

# Socket mode receives one port per object: more is refused, not lost.
expect 2 'UDP socket mode receives one port, not 2' \
	in_b "$RTBPF" xsk recv --dev veth1 --port 9000 --port 9001 --mode socket --count 1
