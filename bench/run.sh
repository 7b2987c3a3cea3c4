#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make bench: runs every bench/*.sh in turn. Benchmarks print figures and
# comparisons; they assert nothing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RTBPF_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export RTBPF_BUILD=$build RTBPF=$build/bin/rtbpf RTBPF_TOP=$top
rc=0
for b in "$top"/bench/*.sh; do
	[ -f "$b" ] || continue
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || rc=1
	echo
done
exit $rc
