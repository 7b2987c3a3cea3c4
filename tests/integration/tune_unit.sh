#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf systemd-unit prints a unit carrying the profile's process policy,
# the CPUs and the NUMA binding, with systemd quoting; bad input exits 2.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp

"$RTBPF" systemd-unit -P ultra --cpus 2-3 --membind 0 -- /opt/bot/trader --cfg 'a b' '50%' >"$tmp/u"
for line in 'ExecStart=/opt/bot/trader --cfg "a b" 50%%' CPUAffinity=2-3 \
	CPUSchedulingPolicy=fifo CPUSchedulingPriority=80 LimitRTPRIO=80 \
	LimitMEMLOCK=infinity NUMAPolicy=bind NUMAMask=0; do
	grep -qxF -- "$line" "$tmp/u" || fail "unit lacks '$line'"
done
"$RTBPF" systemd-unit -P low-latency --cpus 1 -- /bin/true >"$tmp/u"
grep -qx CPUSchedulingPriority=50 "$tmp/u" || fail "low-latency priority"
grep -q NUMAPolicy "$tmp/u" && fail "NUMAPolicy without --membind"
expect_rc 2 "$RTBPF" systemd-unit -P nosuch --cpus 1 -- /bin/true 2>/dev/null
expect_rc 2 "$RTBPF" systemd-unit -P ultra -- /bin/true 2>/dev/null
expect_rc 2 "$RTBPF" systemd-unit -P ultra --cpus 1 -- true 2>/dev/null
echo "systemd-unit: ok"
