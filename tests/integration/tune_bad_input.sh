#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Bad input to rtbpf apply changes nothing on the target tree (not even the
# state directory) and exits 2 with a message naming the problem.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
mkdir -p "$root/etc/rtbpf/profiles.d"
d=$root/etc/rtbpf/profiles.d
printf '%s\n' 'include = ultra' 'sysctl.vm.swapiness = 10' >"$d/typo.conf"
printf '%s\n' 'include = ultra' 'sysctl.vm.swappiness = lots' >"$d/badval.conf"
printf '%s\n' 'include = ultra' 'memory.thp = sometimes' >"$d/badenum.conf"
printf '%s\n' 'include = loop' >"$d/loop.conf"
printf '%s\n' 'include = nosuch' >"$d/badinc.conf"
printf '%s\n' 'include = ultra' 'just some words' >"$d/syntax.conf"
printf '%s\n' 'include = ultra' 'limits.write = maybe' >"$d/badlim.conf"
printf '%s\n' 'include = ultra' 'process.affinity = each' >"$d/badaff.conf"
printf '%s\n' 'include = ultra' 'process.busy_poll = 1' >"$d/badbp.conf"
cp -a "$root" "$tmp/orig"

# bad ARGS... MESSAGE-REGEX
bad() {
	local re=${*: -1} rc=0
	set -- "${@:1:$#-1}"
	"$RTBPF" apply --root "$root" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 2 ] || { cat "$tmp/err"; fail "apply $* exited $rc, expected 2"; }
	grep -Eq -e "$re" "$tmp/err" || { cat "$tmp/err"; fail "apply $*: message lacks /$re/"; }
	diff -r "$root" "$tmp/orig" >/dev/null || fail "apply $* changed the tree"
}

bad -P nosuch --cpus 2-3 "apply: --profile: unknown profile 'nosuch'"
bad --cpus 2-3 'profile NAME is required'
bad -P typo --cpus 2-3 "typo.conf:2: unknown key 'sysctl.vm.swapiness' \(did you mean sysctl.vm.swappiness\?\)"
bad -P badval --cpus 2-3 "swappiness = 'lots': expected an integer"
bad -P badenum --cpus 2-3 "memory.thp = 'sometimes': expected one of"
bad -P loop --cpus 2-3 'apply: --profile: include loop: loop -> loop'
bad -P badinc --cpus 2-3 "unknown profile 'nosuch', included by badinc"
bad -P ultr --cpus 2-3 "unknown profile 'ultr'; did you mean ultra\\?"
bad -P syntax --cpus 2-3 "syntax.conf:2: expected 'key = value'"
bad -P badlim --cpus 2-3 "limits.write = 'maybe': expected one of on\\|off"
bad -P badaff --cpus 2-3 "process.affinity = 'each': expected one of all\\|per-thread"
bad -P badbp --cpus 2-3 "process.busy_poll = '1': expected one of"
bad -P ultra --cpus 2-3 --only threads,irqbalance,limits,nosuch "unknown stage 'nosuch'"
bad -P ultra --cpus 2-x '--cpus: bad CPU list'
bad -P ultra --cpus 0-1:0 "apply: --cpus: stride 0 in '0-1:0': a stride is at least 1"
bad -P ultra --cpus 3-2 'reversed'
bad -P ultra --cpus 7 'CPU 7 does not exist \(this host has 0-3\)'
bad -P ultra --cpus 0-3 'cover every online CPU'
bad -P ultra --cpus 2-3 --housekeeping 1-2 'CPU 2 is both a latency and a housekeeping CPU'
bad -P ultra 'no isolated CPUs on this host'
bad -P ultra --cpus 2-3 --only sysctl,nosuch "unknown stage 'nosuch'"
bad -P ultra --cpus 2-3 --only sysctl --skip sysctl 'apply: --skip cannot be combined with --only'
bad -P ultra --cpus 2-3 --skip boot,sysctl,net,memory,workqueue,irq,irqbalance,threads,power,process,limits,systemd 'leave no stage to run'
bad -P ultra --cpus 2-3 --only sysctl,treads "unknown stage 'treads' \(did you mean threads\?\)"
bad -P ultra --cpus 2-3 --skip '' 'empty stage list|needs an argument'
bad -P ultra --cpus 2-3 --pid 0 'out of range'
bad -P ultra --cpus 2-3 --bogus "unknown option '--bogus'"
bad -P ultra --cpus 2-3 extra "unexpected argument 'extra'"
rc=0
"$RTBPF" apply -P ultra --cpus 2-3 --root "$tmp/nosuchdir" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--root of a missing directory exited $rc"
grep -q 'not a directory' "$tmp/err" || fail "--root of a missing directory: message"

# check refuses the same input with 2, and never writes.
expect_rc 2 "$RTBPF" check -P nosuch --root "$root" --cpus 2-3 2>/dev/null
expect_rc 2 "$RTBPF" check -P ultra --root "$root" --cpus 9 2>/dev/null
diff -r "$root" "$tmp/orig" >/dev/null || fail "check changed the tree"
echo "bad input: ok"
