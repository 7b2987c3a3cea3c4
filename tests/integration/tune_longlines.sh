#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Config lines longer than a fixed read buffer are read whole: the tail of
# a long limits.conf comment is no grant, and a long /etc/group line whose
# text at byte 1023 reads "realtime:" is no realtime group. (Read in 512-
# and 1024-byte pieces, check reported all three limits items OK.) And a
# --only list over 255 bytes keeps its last stage; a thread CPU list over
# the value limit is an error, not a thread that exited.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
pad="#$(printf 'x%.0s' $(seq 509))"
printf '%s @realtime - rtprio 99\n%s @realtime - memlock unlimited\n' "$pad" "$pad" \
	>>"$root/etc/security/limits.conf"
members=$(seq -s, -f 'u%g' 0 299 | cut -c1-1011)
printf 'users:x:100:%srealtime:x:1000:evil\n' "$members" >>"$root/etc/group"
[ "$(tail -n 1 "$root/etc/group" | cut -c1024-1032)" = realtime: ] || fail "fixture: group line"

expect_rc 0 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only limits >"$tmp/out"
grep -q '^WARN limits    realtime group .* is missing' "$tmp/out" ||
	fail "a realtime group from the middle of a line: $(grep 'realtime group' "$tmp/out")"
grep -q '^WARN limits    limits rtprio @realtime .* is (none)' "$tmp/out" ||
	fail "rtprio from a comment: $(grep rtprio "$tmp/out")"
grep -q '^WARN limits    limits memlock @realtime .* is (none)' "$tmp/out" ||
	fail "memlock from a comment: $(grep memlock "$tmp/out")"

# The same directives on lines of their own are found.
printf '@realtime - rtprio 99\n@realtime - memlock unlimited\n' >>"$root/etc/security/limits.conf"
printf 'realtime:x:1001:%s\n' "$members" >>"$root/etc/group"
expect_rc 0 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only limits >"$tmp/out"
[ "$(grep -c '^OK   limits' "$tmp/out")" = 3 ] || fail "grants on their own lines: $(cat "$tmp/out")"
grep -q "members: ${members:0:40}" "$tmp/out" || fail "realtime members"
# A long --only list is read whole: its last stage is not dropped.
only=$(printf 'boot,%.0s' $(seq 60))irq
expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only "$only" >"$tmp/out"
grep -q '^FAIL irq ' "$tmp/out" || fail "--only of ${#only} bytes: irq stage dropped"
# A thread's CPU list of an 8192-CPU host (every other CPU: ~20 KB) is
# read whole; one longer than a value may be (TUNE_VAL_MAX, profile.h: a list
# of 8192 CPUs and room) fails the plan by name, never counted as a
# thread that exited.
list=$(seq -s, 0 2 8190)
echo "$list" >"$root/proc/600/task/600/affinity"
expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only threads >"$tmp/out" 2>"$tmp/err"
# (shown compactly: a list cut anywhere would not read 0-8190:2)
grep -q "^FAIL threads   tid 600 logger .* is 0-8190:2\$" "$tmp/out" ||
	fail "8192-CPU thread CPU list not read whole: $(cat "$tmp/err")"
# -v shows it as it is
expect_rc 3 "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 --only threads >"$tmp/out" 2>"$tmp/err"
grep -q "^FAIL threads   tid 600 logger .* is $list\$" "$tmp/out" || fail "-v: the list as it is"
echo "$list,$list,$list" >"$root/proc/600/task/600/affinity"
expect_rc 1 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only threads >"$tmp/out" 2>"$tmp/err"
grep -q "600/affinity: the CPU list is over the $((5 * 8192 + 8192 - 1))-byte value limit" "$tmp/err" ||
	fail "overlong thread CPU list: $(cat "$tmp/err")"
echo "ok: long config lines, option lists and CPU lists read whole or refused"
