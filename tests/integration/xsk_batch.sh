#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The copy-mode kick budget trap: 64-datagram batches at a steady rate must
# not build a standing queue in the TX ring. One kick sends at most 32
# frames; kicked once, the rest waits for the next batch and one-way p50
# grows to milliseconds. The library kicks in a loop (and raises
# XDP_MAX_TX_SKB_BUDGET where the kernel has it), so p50 stays within a
# batch's own serialisation time of the single-datagram figure: the
# duration of the send call that carries the batch (measured in the same
# run), doubled for noise. A standing queue adds a batch period (1 ms) or
# more. Every datagram arrives once, intact.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
netns_up

# lat N SEND-ARGS...: AF_XDP to AF_XDP; prints the xsk_recv record.
lat() {
	local n=$1
	shift
	start_bg lrx "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9400 \
		--count "$n" --duration 60s --json --spin
	wait_line "$T/lrx.out" '"type":"header"' || fail "recv not ready"
	in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9400" --count "$n" \
		--mode copy --json "$@" >"$T/lsend.out" || fail "send $*"
	wait "$bg_pid" || fail "recv failed"
	grep '"type":"xsk_recv"' "$T/lrx.out"
}
p50() { grep -o '"p50_ns":[0-9]*' | cut -d: -f2; }
# p50 of the sender's send calls (one call per batch)
call50() { grep '"type":"xsk_stats"' "$T/lsend.out" | jq '.send_call.p50_ns'; }

lat 2000 --rate 20000 >/dev/null # warm-up
single=$(lat 4000 --rate 4000)
batch=$(lat 64000 --rate 64000 --batch 64)
s50=$(p50 <<<"$single")
b50=$(p50 <<<"$batch")
ok "single: $single"
ok "batch 64: $batch"
ok "sender: $(grep -o '"kicks":[0-9]*,"kick_eagain":[0-9]*' "$T/lsend.out")"
for r in "$single" "$batch"; do
	case $r in
	*'"intact":'*'"bad":0,"truncated":0,"duplicates":0'*) ;;
	*) fail "lost, damaged or duplicated: $r" ;;
	esac
done
grep -q '"received":64000,"intact":64000' <<<"$batch" || fail "batch lost datagrams"
c50=$(call50)
[ "${c50:-0}" -gt 0 ] || fail "no send-call figure from the sender"
[ "$b50" -le $((s50 + 2 * c50 + 20000)) ] ||
	fail "batch-64 p50 $b50 ns > single $s50 ns + 2 x batch call $c50 ns + 20 us: standing queue"
ok "p50 single $s50 ns, batch-64 $b50 ns (a batch's send call: $c50 ns)"

# Again with the pre-6.17 budget of 32 frames per kick: the kick loop
# itself must keep the ring empty (it sees EAGAIN and kicks again).
batch=$(lat 64000 --rate 64000 --batch 64 --keep-tx-budget)
b50=$(p50 <<<"$batch")
kicks=$(grep -o '"kicks":[0-9]*,"kick_eagain":[0-9]*' "$T/lsend.out")
ok "batch 64, budget 32: $batch; $kicks"
grep -q '"received":64000,"intact":64000,"bad":0,"truncated":0,"duplicates":0' \
	<<<"$batch" || fail "budget 32: lost, damaged or duplicated"
[ "${kicks##*:}" -gt 0 ] || fail "budget 32: no EAGAIN seen, loop untested"
c50=$(call50)
[ "$b50" -le $((s50 + 2 * c50 + 20000)) ] ||
	fail "budget 32: batch-64 p50 $b50 ns > single $s50 ns + 2 x batch call $c50 ns + 20 us: standing queue"
xsk_nothing_left || fail "left attached"
