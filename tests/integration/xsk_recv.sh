#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Receive path: the XDP program steers datagrams to the filtered port into
# the AF_XDP socket (all of them, intact, once), while datagrams to another
# port reach an ordinary kernel socket; in forced socket mode recv works
# through a UDP socket. Nothing stays attached afterwards.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/xsk_netns.bash
. "$(dirname "$0")/xsk_netns.bash"
PEER=$RTBPF_BUILD/tests/xsk_peer
netns_up "$PEER"
N=10000

start_bg xrecv "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9200 --count "$N" \
	--duration 60s --json
xrecv=$bg_pid
wait_line "$T/xrecv.out" '"type":"header"' ||
	fail "xsk recv: $(cat "$T/xrecv.err")"
grep -q '"mode":"copy"' "$T/xrecv.out" || fail "recv mode: $(cat "$T/xrecv.out")"
start_bg peer "${IN_B[@]}" "$PEER" 9201 "$N" 2000
wait_line "$T/peer.out" '^ready' || fail "peer not ready"

in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9200" --count "$N" \
	--rate 100000 --mode socket >"$T/s1.out" 2>&1 || fail "send to 9200"
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9201" --count "$N" \
	--rate 100000 --mode socket >"$T/s2.out" 2>&1 || fail "send to 9201"
wait "$xrecv" || fail "xsk recv failed: $(cat "$T/xrecv.err")"
wait "$bg_pid"
rec=$(grep '"type":"xsk_recv"' "$T/xrecv.out")
case $rec in
*"\"received\":$N,\"intact\":$N,\"bad\":0,\"truncated\":0,\"duplicates\":0"*)
	ok "AF_XDP socket: $rec" ;;
*) fail "AF_XDP socket: $rec" ;;
esac
grep -q "\"xdp_redirected\":$N," "$T/xrecv.out" ||
	fail "redirect count: $(grep xsk_stats "$T/xrecv.out")"
# recv prefetches the frame it expects the kernel to fill next: with
# nothing dropped, the guess is right for every datagram
grep -q "\"rx_guessed\":$N," "$T/xrecv.out" ||
	fail "prefetch guess: $(grep xsk_stats "$T/xrecv.out")"
ok "frame guessed right for $N of $N datagrams"
# The UMEM (4096 frames of 2 KiB: 8 MiB) sits in huge pages where the
# host has transparent ones (with reserved hugetlbfs pages, in those).
stats=$(grep '"type":"xsk_stats"' "$T/xrecv.out")
umem=$(jq .umem_bytes <<<"$stats")
huge=$(jq .umem_huge_bytes <<<"$stats")
[ "$umem" = 8388608 ] || fail "umem_bytes $umem, want 8388608"
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)
if [ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -ge 4 ]; then
	[ "$huge" = "$umem" ] || fail "umem_huge_bytes $huge with 4+ hugetlbfs pages free"
	ok "UMEM in reserved huge pages: $huge of $umem bytes"
elif [[ $thp == *"[always]"* || $thp == *"[madvise]"* ]]; then
	# THP may come short of all four under memory fragmentation
	((huge > 0 && huge <= umem && huge % 2097152 == 0)) ||
		fail "umem_huge_bytes $huge of $umem with THP $thp"
	ok "UMEM in transparent huge pages: $huge of $umem bytes"
else
	[ "$huge" = 0 ] || fail "umem_huge_bytes $huge without huge pages"
	ok "no huge pages on this host (THP: $thp): umem_huge_bytes 0"
fi
res=$(tail -n 1 "$T/peer.out")
case $res in
"received=$N intact=$N bad=0 dup=0 "*) ok "kernel socket, other port: $res" ;;
*) fail "kernel socket, other port: $res" ;;
esac

# Smaller rings and UMEM (--ring, --frames): paced, all arrive; a UMEM
# under one huge page stays in small pages.
start_bg rsmall "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9203 --count 1000 \
	--duration 30s --ring 256 --frames 512 --json
rsmall=$bg_pid
wait_line "$T/rsmall.out" '"type":"header"' || fail "small-ring recv not ready"
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9203" --count 1000 \
	--rate 5000 --mode copy --ring 64 --frames 64 >"$T/s4.out" 2>&1 ||
	fail "send with small rings: $(cat "$T/s4.out")"
wait "$rsmall" || fail "small-ring recv failed: $(cat "$T/rsmall.err")"
grep -q '"received":1000,"intact":1000,"bad":0,"truncated":0,"duplicates":0' \
	"$T/rsmall.out" || fail "small rings: $(grep xsk_recv "$T/rsmall.out")"
grep -q '"umem_bytes":1048576,"umem_huge_bytes":0' "$T/rsmall.out" ||
	fail "small UMEM: $(grep xsk_stats "$T/rsmall.out")"
# 1000 datagrams wrap 256 RX frames and the 512-entry fill ring: the
# guess follows
grep -q '"rx_guessed":1000,' "$T/rsmall.out" ||
	fail "small rings, prefetch guess: $(grep xsk_stats "$T/rsmall.out")"
ok "--ring 256 --frames 512: 1000 of 1000 intact and guessed, 1 MiB UMEM in small pages"

# Forced socket mode: a UDP socket, no XDP program.
start_bg srecv "${IN_B[@]}" "$RTBPF" xsk recv --dev veth1 --port 9202 --count 1000 \
	--duration 30s --mode socket
srecv=$bg_pid
wait_line "$T/srecv.out" 'mode socket' || fail "socket recv not ready"
[ "$(xsk_progs)" = 0 ] || fail "socket mode loaded an XDP program"
in_a "$RTBPF" xsk send --dev veth0 --dst "$IP_B:9202" --count 1000 \
	--rate 100000 >"$T/s3.out" 2>&1 || fail "send to 9202"
wait "$srecv" || fail "socket recv failed"
grep -q 'received 1000 datagrams: 1000 intact, 0 bad, 0 truncated, 0 duplicates' \
	"$T/srecv.out" || fail "socket recv: $(cat "$T/srecv.out")"
ok "socket mode recv: $(grep received "$T/srecv.out" | head -n 1)"
! grep -q umem_bytes "$T/srecv.out" || fail "socket mode reports a UMEM"
xsk_nothing_left || fail "XDP program left attached"
ok "nothing left attached"
