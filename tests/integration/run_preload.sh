#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf run --mlock loads only a preload root may trust: RTBPF_MLOCK_PRELOAD
# naming a FIFO (the dynamic loader would hang on it), a directory, an
# archive, a missing file, a copy of the real library writable by group or
# owned by another user, or in a directory others may write (not sticky):
# each refused at once (exit 1) naming the path and
# the reason, CMD never started. The real library (and a root-owned copy
# 0644) is taken: CMD runs with memory locked.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
so=$RTBPF_BUILD/lib/librtbpf-mlock.so
[ -f "$so" ] || fail "no $so"
mkfifo "$T/fifo"
mkdir "$T/dir"
cp "$so" "$T/gw.so" && chmod 0664 "$T/gw.so"
cp "$so" "$T/other.so" && chmod 0644 "$T/other.so" && chown nobody "$T/other.so"
cp "$so" "$T/good.so" && chmod 0644 "$T/good.so"

try() { # PATH WANT_REASON
	local rc=0
	rm -f "$T/ran"
	RTBPF_MLOCK_PRELOAD=$1 timeout 10 "$RTBPF" run --mlock -- touch "$T/ran" 2>"$T/err" || rc=$?
	[ "$rc" != 124 ] || fail "$1: run hung"
	[ "$rc" = 1 ] || fail "$1: exit $rc, want 1: $(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "$1: CMD was started"
	grep -q "preload $(realpath -m "$1"): $2" "$T/err" || fail "$1: message: $(cat "$T/err")"
}
try "$T/fifo" "not a regular file"
try "$T/dir" "not a regular file"
try "$RTBPF_BUILD/lib/librtbpf.a" "not an ELF shared object"
try "$T/missing.so" "No such file"
try "$T/gw.so" "writable by group or others"
try "$T/other.so" "owned by another user"
mkdir "$T/gwdir" && cp "$so" "$T/gwdir/x.so" && chmod 0644 "$T/gwdir/x.so" && chmod 0775 "$T/gwdir"
try "$T/gwdir/x.so" "in a directory another user may change"
ok "untrusted preloads refused, CMD never started"

RTBPF_MLOCK_PRELOAD=$T/good.so "$RTBPF" run --mlock -- sh -c 'exec grep VmLck /proc/self/status' >"$T/out" 2>"$T/err" ||
	fail "good preload: $(cat "$T/err")"
kb=$(awk '{ print $2 }' "$T/out")
[ "${kb:-0}" -gt 0 ] || fail "good preload: VmLck ${kb:-?} kB"
ok "a root-owned 0644 copy of the library is loaded: VmLck $kb kB"
