#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# kill -9 of a process holding the XDP program leaves nothing attached (the
# program is attached through a bpf_link), and a new receiver binding the
# same queue at once comes up (EBUSY retried with backoff) and receives.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
netns_up

for round in 1 2 3; do
	start_bg "r$round" "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9300 \
		--duration 60s
	wait_line "$T/r$round.out" 'mode copy' ||
		fail "round $round: recv not up: $(cat "$T/r$round.err")"
	[ "$(xsk_progs)" = 1 ] || fail "round $round: program not loaded"
	in_b ip link show veth1 | grep -q xdp || fail "round $round: not attached"
	kill -KILL "$bg_pid"
	wait "$bg_pid" 2>/dev/null
	xsk_nothing_left || fail "round $round: left attached after kill -9"
	ok "round $round: kill -9 left nothing attached"
done

# Rebind right away: the old socket's teardown may still be in progress.
start_bg r4 "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9300 --count 100 \
	--duration 30s
r4=$bg_pid
wait_line "$T/r4.out" 'mode copy' || fail "rebind: $(cat "$T/r4.err")"
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9300" --count 100 \
	--rate 10000 >/dev/null 2>&1 || fail "send after rebind"
wait "$r4" || fail "rebind recv failed"
grep -q 'received 100 datagrams: 100 intact' "$T/r4.out" ||
	fail "rebind recv: $(cat "$T/r4.out")"
ok "rebind after kill -9: $(grep received "$T/r4.out" | head -n 1)"
xsk_nothing_left || fail "left attached"
