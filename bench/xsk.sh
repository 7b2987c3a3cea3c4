#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# AF_XDP send path versus the kernel's UDP stack, one run, one namespace
# pair (veth, copy mode: veth has no zero-copy). Throughput: 64-byte
# datagrams flat out, pps and ns/datagram, median of 5 interleaved rounds,
# into tests/tools/xdp_sink on the peer end (a BPF program at tc ingress
# that counts and drops them: a stand-in for the wire, so every datagram is
# delivered and counted and no receive stack is measured). The same rows
# into a native XDP sink follow for comparison: veth copies every frame
# into a page of its own before an XDP program sees it (the senders' skbs
# have 64 bytes of headroom, XDP wants 256), some 100 ns a datagram that
# every path pays and a NIC's wire does not, so it dilutes the ratios.
# Latency: single datagrams paced at 5000/s, one-way (sender's
# CLOCK_MONOTONIC stamp to receiver's read; receivers spin), p50/p99
# (median of 5 interleaved rounds; the receivers keep every figure, so
# these are exact); and to the wire alone (the tc sink stamps the arrival
# at the peer's ingress: no receive stack; from its histogram, bucket
# midpoints, within 6.25 %);
# also 64-datagram batches at a steady rate. Sender on CPU 0, receiver on CPU 1 when there
# are two. Prints figures, asserts nothing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../tests/lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/../tests/integration/xsk_netns.bash"
PEER=$RTBPF_BUILD/tests/xsk_peer
SINK=$RTBPF_BUILD/tests/xdp_sink
netns_up "$PEER" "$SINK"
N=${XSK_BENCH_N:-500000}
ROUNDS=${XSK_BENCH_ROUNDS:-5}
LAT_N=${XSK_BENCH_LAT_N:-10000}
tx_cpu=(taskset -c 0)
rx_cpu=(taskset -c 1)
[ "$(nproc)" -ge 2 ] || rx_cpu=()
port=10000

field() { grep -o "\"$1\":[0-9.]*" | head -n 1 | cut -d: -f2; }
# median: of the numbers on stdin, separated by spaces or newlines
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio A B: median over rounds of A[r] / B[r] (space-separated lists of
# the same rounds): paired, so a noisy stretch of the VM hits both sides.
ratio() { paste <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
	awk '{ print $1 / $2 }' | median; }

# tput SINK ARGS...: one flat-out run into the sink (tc or xdp); prints
# "pps delivered". The sink runs in the sender's softirq, as a NIC's
# transmit completion would, and costs every path the same.
tput() {
	local got sink=()
	[ "$1" = tc ] && sink=(tc)
	shift
	port=$((port + 1))
	start_bg sink "${IN_B[@]}" "$SINK" veth1 "$port" "${sink[@]}"
	wait_line "$T/sink.out" '^ready' || fail "sink not ready: $(cat "$T/sink.out")"
	in_a "${tx_cpu[@]}" "$RTBPF" xsk send --dev veth0 \
		--dst "$IP_B:$port" --count "$N" --json "$@" >"$T/tput.json" ||
		fail "send $*: $(cat "$T/tput.json")"
	kill -TERM "$bg_pid"
	wait "$bg_pid"
	got=$(sed -n 's/^dropped=\([0-9]*\).*/\1/p' "$T/sink.out")
	echo "$(field pps <"$T/tput.json") ${got:-0}"
}
names=("AF_XDP copy, batch 32" "AF_XDP copy, batch 1" "send()" "sendmmsg(32)"
	"AF_XDP copy, batch 64" "XDP sink: AF_XDP batch 32" "XDP sink: send()"
	"XDP sink: sendmmsg(32)")
args=("tc --mode copy --batch 32" "tc --mode copy --batch 1" "tc --mode socket --batch 1"
	"tc --mode socket --batch 32" "tc --mode copy --batch 64"
	"xdp --mode copy --batch 32" "xdp --mode socket --batch 1"
	"xdp --mode socket --batch 32")
declare -A pps lost
# Warm-up: the first native attach / first run on a fresh veth stalls.
tput xdp --mode copy --count 20000 >/dev/null
tput tc --mode copy --count 20000 >/dev/null
for ((r = 0; r < ROUNDS; r++)); do
	for i in "${!names[@]}"; do
		# shellcheck disable=SC2086 # word splitting of args wanted
		read -r p got <<<"$(tput ${args[$i]})"
		pps[$i]+="$p "
		lost[$i]=$((${lost[$i]:-0} + N - got))
	done
done

echo "throughput: $N datagrams of 64 B, flat out, median of $ROUNDS rounds, into a tc sink on the peer"
echo "(last rows: into a native XDP sink; x send() is against send() into the same sink)"
printf '  %-26s %10s %10s %10s %10s   %s\n' path pps ns/pkt "x send()" "not seen" "rounds (kpps)"
for i in "${!names[@]}"; do
	m=$(median <<<"${pps[$i]}")
	base=$(median <<<"${pps[2]}")
	[ "$i" -ge 5 ] && base=$(median <<<"${pps[6]}")
	printf '  %-26s %10.0f %10.0f %10.2f %10s  ' "${names[$i]}" "$m" \
		"$(echo "1000000000 / $m" | bc -l)" "$(echo "$m / $base" | bc -l)" \
		"${lost[$i]}"
	for p in ${pps[$i]}; do printf ' %.0f' "$(echo "$p / 1000" | bc -l)"; done
	echo
	med[i]=$m
done

# lat_xsk ATTACH WAIT RING SEND-ARGS...: AF_XDP receiver with its XDP
# program attached ATTACH (drv or skb), waiting by WAIT (spin: on the ring;
# sleep: in poll(2)), with RING entries per ring (default: the default);
# prints "p50 p99 received", p50 and p99 in ns.
lat_xsk() {
	local attach=$1 rx=()
	[ "$2" = spin ] && rx+=(--spin)
	[ "$3" != default ] && rx+=(--ring "$3")
	shift 3
	port=$((port + 1))
	start_bg lrx "${IN_B[@]}" "${rx_cpu[@]}" "$RTBPF" xsk recv --dev veth1 --attach "$attach" \
		--port "$port" --count "$LAT_N" --duration 60s --json "${rx[@]}"
	wait_line "$T/lrx.out" '"type":"header"' || fail "xsk recv not ready"
	in_a "${tx_cpu[@]}" "$RTBPF" xsk send --dev veth0 --dst "$IP_B:$port" \
		--count "$LAT_N" "$@" >/dev/null || fail "send $*"
	wait "$bg_pid"
	grep '"type":"xsk_recv"' "$T/lrx.out" >"$T/lrx.rec"
	echo "$(field p50_ns <"$T/lrx.rec") $(field p99_ns <"$T/lrx.rec") $(field received <"$T/lrx.rec")"
}

# lat_udp WAIT SEND-ARGS...: kernel UDP receiver, waiting by WAIT (spin:
# on recv(MSG_DONTWAIT); sleep: in poll(2)).
lat_udp() {
	local wait_arg=()
	[ "$1" = spin ] && wait_arg=(spin)
	shift
	port=$((port + 1))
	start_bg lrx "${IN_B[@]}" "${rx_cpu[@]}" "$PEER" "$port" "$LAT_N" 2000 "${wait_arg[@]}"
	wait_line "$T/lrx.out" '^ready' || fail "peer not ready"
	in_a "${tx_cpu[@]}" "$RTBPF" xsk send --dev veth0 --dst "$IP_B:$port" \
		--count "$LAT_N" "$@" >/dev/null || fail "send $*"
	wait "$bg_pid"
	tail -n 1 "$T/lrx.out" | sed -E 's/.*received=([0-9]+).*p50_ns=([0-9]+) p99_ns=([0-9]+).*/\2 \3 \1/'
}

# lat_wire SEND-ARGS...: no receiver: the tc sink times each datagram's
# arrival at the peer's ingress (the far side of the wire), so the figure
# is the send path's alone.
lat_wire() {
	port=$((port + 1))
	start_bg lrx "${IN_B[@]}" "$SINK" veth1 "$port" tc stamp
	wait_line "$T/lrx.out" '^ready' || fail "sink not ready: $(cat "$T/lrx.out")"
	in_a "${tx_cpu[@]}" "$RTBPF" xsk send --dev veth0 --dst "$IP_B:$port" \
		--count "$LAT_N" "$@" >/dev/null || fail "send $*"
	kill -TERM "$bg_pid"
	wait "$bg_pid"
	tail -n 1 "$T/lrx.out" | sed -E 's/.*stamped=([0-9]+) p50_ns=([0-9]+) p99_ns=([0-9]+).*/\2 \3 \1/'
}

LAT_ROUNDS=${XSK_BENCH_LAT_ROUNDS:-5}
echo
echo "one-way latency: $LAT_N datagrams of 64 B (ns), median of $LAT_ROUNDS interleaved rounds"
printf '  %-40s %9s %9s %8s\n' path p50 p99 received
# veth runs a native XDP program only after copying each skb into a page
# of its own; the generic hook runs it on the skb itself, which is quicker
# here, so the AF_XDP figures use it (the native row is for comparison).
lnames=("AF_XDP -> AF_XDP (generic), 5000/s" "AF_XDP -> AF_XDP (native), 5000/s"
	"AF_XDP -> UDP socket, 5000/s" "send() -> UDP socket, 5000/s"
	"AF_XDP batch 64 -> AF_XDP, 1000 batch/s" "sendmmsg(64) -> UDP, 1000 batch/s"
	"AF_XDP -> wire (tc sink), 5000/s" "send() -> wire (tc sink), 5000/s"
	"AF_XDP -> AF_XDP, receiver in poll(2)" "send() -> UDP, receiver in poll(2)"
	"AF_XDP -> AF_XDP, receiver --ring 64")
# Receivers spin (a low-latency client's usual way) except in the two
# poll(2) rows: a sleeping receiver pays a wakeup, about the same on either
# path. The --ring 64 row keeps only 64 RX frames cycling, so they stay in
# cache, at the cost of absorbing shorter stalls of the receiver.
lruns=("lat_xsk skb spin default --mode copy --rate 5000" "lat_xsk drv spin default --mode copy --rate 5000"
	"lat_udp spin --mode copy --rate 5000" "lat_udp spin --mode socket --rate 5000"
	"lat_xsk skb spin default --mode copy --batch 64 --rate 64000"
	"lat_udp spin --mode socket --batch 64 --rate 64000"
	"lat_wire --mode copy --rate 5000" "lat_wire --mode socket --rate 5000"
	"lat_xsk skb sleep default --mode copy --rate 5000" "lat_udp sleep --mode socket --rate 5000"
	"lat_xsk skb spin 64 --mode copy --rate 5000")
declare -A l50 l99 lrecv
for ((r = 0; r < LAT_ROUNDS; r++)); do
	for i in "${!lruns[@]}"; do
		# shellcheck disable=SC2086 # word splitting of the command wanted
		read -r a b c <<<"$(${lruns[$i]})"
		l50[$i]+="$a " l99[$i]+="$b " lrecv[$i]+="$c "
	done
done
lat=()
for i in "${!lnames[@]}"; do
	p50=$(median <<<"${l50[$i]}")
	p99=$(median <<<"${l99[$i]}")
	recv=$(echo "${lrecv[$i]}" | tr ' ' '\n' | grep . | sort -n | head -n 1)
	printf '  %-40s %9s %9s %8s\n' "${lnames[$i]}" "$p50" "$p99" "$recv"
	lat[i]="$p50 $p99"
done
read -r _ xp99 <<<"${lat[0]}"
read -r _ up99 <<<"${lat[3]}"

echo
echo "goals (median over rounds of the ratio within a round; of the medians above in brackets):"
printf '  AF_XDP batch 32 pps / send() = %.2f [%.2f] (>= 1.8), / sendmmsg(32) = %.2f [%.2f] (>= 1.6)\n' \
	"$(ratio "${pps[0]}" "${pps[2]}")" "$(echo "${med[0]} / ${med[2]}" | bc -l)" \
	"$(ratio "${pps[0]}" "${pps[3]}")" "$(echo "${med[0]} / ${med[3]}" | bc -l)"
printf '  AF_XDP batch 64 pps / send() = %.2f [%.2f], / sendmmsg(32) = %.2f [%.2f]\n' \
	"$(ratio "${pps[4]}" "${pps[2]}")" "$(echo "${med[4]} / ${med[2]}" | bc -l)" \
	"$(ratio "${pps[4]}" "${pps[3]}")" "$(echo "${med[4]} / ${med[3]}" | bc -l)"
printf '  into the XDP sink: AF_XDP batch 32 pps / send() = %.2f [%.2f], / sendmmsg(32) = %.2f [%.2f]\n' \
	"$(ratio "${pps[5]}" "${pps[6]}")" "$(echo "${med[5]} / ${med[6]}" | bc -l)" \
	"$(ratio "${pps[5]}" "${pps[7]}")" "$(echo "${med[5]} / ${med[7]}" | bc -l)"
printf '  one-way p50 AF_XDP / UDP = %.2f [%.2f] (<= 0.6); p99 AF_XDP / UDP = %.2f [%s vs %s ns] (<= 1)\n' \
	"$(ratio "${l50[0]}" "${l50[3]}")" "$(echo "${lat[0]%% *} / ${lat[3]%% *}" | bc -l)" \
	"$(ratio "${l99[0]}" "${l99[3]}")" "$xp99" "$up99"
printf '  send path alone (to the wire), p50 AF_XDP / send() = %.2f [%.2f], p99 = %.2f\n' \
	"$(ratio "${l50[6]}" "${l50[7]}")" "$(echo "${lat[6]%% *} / ${lat[7]%% *}" | bc -l)" \
	"$(ratio "${l99[6]}" "${l99[7]}")"
printf '  receiver with 64-entry rings (fewer frames in flight), p50 AF_XDP / UDP = %.2f [%.2f]\n' \
	"$(ratio "${l50[10]}" "${l50[3]}")" "$(echo "${lat[10]%% *} / ${lat[3]%% *}" | bc -l)"
printf '  receivers in poll(2), p50 AF_XDP / UDP = %.2f [%.2f], p99 = %.2f\n' \
	"$(ratio "${l50[8]}" "${l50[9]}")" "$(echo "${lat[8]%% *} / ${lat[9]%% *}" | bc -l)" \
	"$(ratio "${l99[8]}" "${l99[9]}")"
xsk_nothing_left || echo "warning: XDP program left attached"
