#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The XDP receive filter on crafted frames (bpf_prog_test_run_opts): match,
# non-match, IPv6, VLAN, fragments, every truncation; then nothing loaded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
tool=$RTBPF_BUILD/tests/xsk_progtest
[ -x "$tool" ] || skip "$tool not built"
"$tool" || fail "xsk_progtest failed"
for ((i = 0; i < 60; i++)); do
	bpftool prog show | grep -q 'name xdp_xsk_steer' || break
	sleep 0.05
done
bpftool prog show | grep -q 'name xdp_xsk_steer' && fail "program left loaded"
ok "xsk_steer on crafted frames; nothing left loaded"
