#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Profiles that are not what they look like: a directory, FIFO or device as
# profile or include, a line past the limit, a NUL byte, integers the
# kernel would read otherwise (010 is octal there) or refuse (+10). check
# and apply exit 2 with a message naming the file (and line), and apply
# changes nothing: the fake tree stays byte-identical, no state dir.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
d=$root/etc/rtbpf/profiles.d
mkdir -p "$d/dir.conf" "$tmp/incdir"
mkfifo "$d/fifo.conf" "$tmp/fifo"
# the bad line comes last: the good ones before it must not be applied
good=$(printf '%s\n' 'include = ultra' 'sysctl.vm.swappiness = 5')
printf '%s\ninclude = %s\n' "$good" "$tmp/incdir" >"$d/incdir.conf"
printf '%s\ninclude = %s\n' "$good" "$tmp/fifo" >"$d/incfifo.conf"
printf '%s\ninclude = /dev/zero\n' "$good" >"$d/incdev.conf"
# PROFILE_LINE_MAX (profile.h): a line holds a CPU list of 8192 CPUs, no more
line_max=$((5 * 8192 + 1024))
printf '%s\n%*s\n' "$good" "$line_max" 'memory.thp = always' >"$d/long.conf"
printf '%s\nmemory.thp = always\0\n' "$good" >"$d/nul.conf"
printf '%s\n\0memory.thp = always\n' "$good" >"$d/nul2.conf"
printf '%s\nsysctl.vm.dirty_ratio = 010\n' "$good" >"$d/octal.conf"
printf '%s\nsysctl.vm.dirty_ratio = +10\n' "$good" >"$d/plus.conf"
printf '%s\nsysctl.kernel.sched_rt_runtime_us = -0\n' "$good" >"$d/minus0.conf"
printf '%s\nnet.channels = 04\n' "$good" >"$d/chan.conf"
printf '%s\n' "$good" >"$d/good.conf"
# snapshot DIR: every entry's type, mode, size and mtime, and every regular
# file's bytes (diff -r cannot compare the FIFOs)
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 sha256sum)
}
snapshot "$root" >"$tmp/orig"

# bad PROFILE REGEX: check and apply exit 2 naming it; nothing changed
bad() {
	local cmd rc
	for cmd in check apply; do
		rc=0
		timeout 10 "$RTBPF" "$cmd" --root "$root" --cpus 2-3 -P "$1" \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		[ "$rc" = 2 ] || { cat "$tmp/err" >&2; fail "$cmd -P $1: exit $rc, want 2"; }
		grep -Eq -- "$2" "$tmp/err" || fail "$cmd -P $1: '$(cat "$tmp/err")' lacks /$2/"
		[ "$(wc -l <"$tmp/err")" = 1 ] || fail "$cmd -P $1: want one line: $(cat "$tmp/err")"
		snapshot "$root" | cmp -s - "$tmp/orig" || fail "$cmd -P $1 changed the tree"
	done
	echo "ok: -P $1 -> 2: $(cat "$tmp/err")"
}

bad /etc/ 'profile /etc/: a directory, not a profile file'
bad "$root/etc/" "profile $root/etc/: a directory"
bad dir "dir.conf: a directory"
bad fifo "fifo.conf: a FIFO"
bad /dev/null '/dev/null: a character device'
bad incdir "$tmp/incdir: a directory"
bad incfifo "$tmp/fifo: a FIFO"
bad incdev '/dev/zero: a character device'
bad long "long.conf:3: line longer than $((line_max - 1)) bytes"
bad nul 'nul.conf:3: a NUL byte'
bad nul2 'nul2.conf:3: a NUL byte'
bad octal "octal.conf:3: sysctl.vm.dirty_ratio = '010': .*no leading zero \(to the kernel, 010 is octal 8\)"
bad plus "plus.conf:3: sysctl.vm.dirty_ratio = '\+10': .*no '\+' sign"
bad minus0 "minus0.conf:3: .*'-0': .*write 0, not -0"
bad chan "chan.conf:3: net.channels = '04': .*leading zero"

# the same profile without the bad line does apply: the test can see a
# change (swappiness 60 -> 5)
"$RTBPF" apply --root "$root" --cpus 2-3 -P good --only sysctl >/dev/null
[ "$(val "$root/proc/sys/vm/swappiness")" = 5 ] || fail "good profile not applied"
echo "tune bad profiles: ok"
