# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# shellcheck shell=bash
# Sourced by tests/integration/xsk_*.sh and bench/xsk.sh after tests/lib.sh:
# two namespaces made here, joined by a veth pair whose both ends live in
# them, addresses from 198.18.0.0/15 (RFC 2544 benchmarking) only. The EXIT
# trap deletes both namespaces (and with them the veth) and then runs
# lib.sh's cleanup. Nothing here touches the host's own interfaces.

NS_A=rtbpf-xa-$$
NS_B=rtbpf-xb-$$
IP_A=198.18.0.1
IP_B=198.18.0.2
# Program names our tests may load (xdp/xsk_steer.bpf.c).
XSK_PROG_RE='name xdp_xsk_steer'

xsk_teardown() {
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	return 0
}

trap 'xsk_teardown; _cleanup' EXIT

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }
# For start_bg: no shell function in between, so $bg_pid is the command
# itself (ip netns exec execs it) and signals reach it.
# shellcheck disable=SC2034 # used by the scripts that source this
IN_A=(ip netns exec "$NS_A")
# shellcheck disable=SC2034
IN_B=(ip netns exec "$NS_B")

# netns_up [TOOL...]: as root, with every TOOL built (else SKIP), creates
# the pair; veth0 in A, veth1 in B; static neighbours.
# shellcheck disable=SC2120 # the tools are optional
netns_up() {
	local t
	need_root
	for t in "$@"; do [ -x "$t" ] || skip "$t not built"; done
	command -v ip >/dev/null || skip "iproute2 missing"
	ip netns add "$NS_A" || skip "cannot create network namespaces"
	ip netns add "$NS_B" || fail "netns add $NS_B"
	ip -n "$NS_A" link add veth0 type veth peer name veth1 netns "$NS_B" ||
		skip "veth unavailable"
	ip -n "$NS_A" addr add "$IP_A/30" dev veth0
	ip -n "$NS_B" addr add "$IP_B/30" dev veth1
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth1 up
	# Static neighbours: no ARP traffic needed, and no ping.
	local mac_a mac_b i
	mac_a=$(in_a cat /sys/class/net/veth0/address)
	mac_b=$(in_b cat /sys/class/net/veth1/address)
	ip -n "$NS_A" neigh replace "$IP_B" lladdr "$mac_b" dev veth0 nud permanent
	ip -n "$NS_B" neigh replace "$IP_A" lladdr "$mac_a" dev veth1 nud permanent
	for ((i = 0; i < 50; i++)); do
		in_b ip link show veth1 | grep -q 'state UP' &&
			in_a ip link show veth0 | grep -q 'state UP' && return 0
		sleep 0.1
	done
	fail "veth pair has no carrier"
}

# Count of our XDP programs loaded right now.
xsk_progs() {
	bpftool prog show 2>/dev/null | grep -cE "$XSK_PROG_RE" || true
}

# xsk_nothing_left: none of our programs loaded, no XDP on the veths.
xsk_nothing_left() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$(xsk_progs)" = 0 ] && break
		sleep 0.05
	done
	[ "$(xsk_progs)" = 0 ] || { bpftool prog show >&2; return 1; }
	if ip netns list | grep -q "^$NS_A"; then
		in_a ip link show veth0 | grep -q ' xdp' && return 1
		in_b ip link show veth1 | grep -q ' xdp' && return 1
		in_b bpftool net show dev veth1 2>/dev/null |
			grep -qE '(driver|generic|offload) id' && return 1
	fi
	return 0
}
