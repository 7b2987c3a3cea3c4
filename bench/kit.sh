#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# In-process kit (ring, dispatcher, buffer pool) against ck_ring, a
# mutex+condvar queue and malloc: prints figures, asserts nothing.
# Extra arguments go to bench_kit (--count N events, --samples N, --gap LAT,
# --cpus LIST; bench_kit --help).
set -u
build=${RTBPF_BUILD:-build}
bin=$build/tests/bench_kit
if [ ! -x "$bin" ]; then
	echo "kit: $bin missing (make tools)" >&2
	exit 1
fi
echo "$(uname -r), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
exec "$bin" "$@"
