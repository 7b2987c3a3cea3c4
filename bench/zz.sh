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
need_root
PEER=$RTBPF_BUILD/tests/xsk_peer
SINK=$RTBPF_BUILD/tests/xdp_sink
for t in "$PEER" "$SINK"; do [ -x "$t" ] || skip "$t not built"; done
netns_up
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
# lat_xsk ATTACH WAIT SEND-ARGS...: AF_XDP receiver with its XDP program
# attached ATTACH (drv or skb), waiting by WAIT (spin: on the ring; sleep:
# in poll(2)); prints "p50 p99 received", p50 and p99 in ns.
lat_xsk() {
	local attach=$1 spin=()
	[ "$2" = spin ] && spin=(--spin)
	shift 2
	port=$((port + 1))
	start_bg lrx "${IN_B[@]}" "${rx_cpu[@]}" "$RTBPF" xsk recv --dev veth1 --attach "$attach" \
		--port "$port" --count "$LAT_N" --duration 60s --json "${spin[@]}"
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
lnames=("huge" "huge pause" "pause" "default" "udp")
lruns=("unset XP; export XH=1 XN=4096 XR=2048; lat_xsk skb spin --mode copy --rate 5000" "export XP=1 XH=1 XN=4096 XR=2048; lat_xsk skb spin --mode copy --rate 5000" "unset XH; export XP=1 XN=4096 XR=2048; lat_xsk skb spin --mode copy --rate 5000" "unset XH XP; lat_xsk skb spin --mode copy --rate 5000" "unset XH XP; lat_udp spin --mode socket --rate 5000")
declare -A l50 l99 lrecv
for ((r = 0; r < LAT_ROUNDS; r++)); do
	for i in "${!lruns[@]}"; do
		# shellcheck disable=SC2086 # word splitting of the command wanted
		read -r a b c <<<"$(eval "${lruns[$i]}")"
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
