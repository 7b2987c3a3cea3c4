#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf systemd-unit takes run's options and prints a unit whose ExecStart=
# runs `rtbpf run` with them (a profile resolved to its policy): checked
# through systemd's own parser, and by running that parsed line as the
# unit's User= would (setpriv) with the ground truth from /proc. User=,
# Group=, the limits only for what is asked (LimitMEMLOCK with --mlock),
# Restart=no unless --restart; CPUs, nodes, users the host (--root: the
# fake tree) lacks refused with 2 naming them.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root
chmod 755 "$tmp"
printf 'root:x:0:0:root:/root:/bin/sh\ntrader:x:1500:1500::/home/trader:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\ntrader:x:1500:\nmd:x:1600:trader\n' >"$root/etc/group"
self=$(readlink -f "$RTBPF")
unit() { "$RTBPF" systemd-unit --root "$root" "$@"; }
has() { grep -qxF -- "$1" "$tmp/u" || fail "unit lacks '$1': $(cat "$tmp/u")"; }
hasnt() { ! grep -q -- "$1" "$tmp/u" || fail "unit has '$1': $(grep -- "$1" "$tmp/u")"; }

# 1. run's options as they are, a profile as the policy it names
unit -P ultra --cpus 2-3 --membind 0 --user trader -- /opt/bot/trader --cfg 'a b' '50%' >"$tmp/u"
has "ExecStart=$self run --cpus 2-3 --fifo 80 --membind 0 -- /opt/bot/trader --cfg \"a b\" 50%%"
has User=trader
has LimitRTPRIO=80
has Restart=no
has 'Description=trader (rtbpf profile ultra)'
hasnt LimitMEMLOCK
hasnt Group=
hasnt CPUSchedulingPolicy
unit -P low-latency --fifo 7 --mlock --user trader:md --restart on-failure -- /bin/true >"$tmp/u"
has "ExecStart=$self run --fifo 7 --mlock -- /bin/true"
has LimitMEMLOCK=infinity
has Group=md
has Restart=on-failure
unit -P low-latency --user trader -- /bin/true >"$tmp/u"
has "ExecStart=$self run --fifo 50 -- /bin/true"
unit --nice -5 --user trader -- /bin/true >"$tmp/u"
has "ExecStart=$self run --nice -5 -- /bin/true"
has LimitNICE=-5
hasnt LimitRTPRIO
echo "ok: run's options in ExecStart=, User=/Group=, limits only as asked, Restart=no"

# 2. without --user: root, said on stderr and in the unit
unit --cpus 1 -- /bin/true >"$tmp/u" 2>"$tmp/err"
grep -q 'no --user: the unit runs CMD as root' "$tmp/err" || fail "no warning: $(cat "$tmp/err")"
has '# No --user: CMD runs as root.'
hasnt '^User='
# a bare name from PATH, a relative path from here, as run would find them
(cd "$tmp" && PATH=/usr/bin:/bin "$RTBPF" systemd-unit --root "$root" --user trader -- sleep 1) >"$tmp/u"
has "ExecStart=$self run -- $(PATH=/usr/bin:/bin command -v sleep) 1"
mkdir "$tmp/app" && printf '#!/bin/sh\n' >"$tmp/app/bot" && chmod +x "$tmp/app/bot"
(cd "$tmp" && "$RTBPF" systemd-unit --root "$root" --user trader -- app/bot) >"$tmp/u"
has "ExecStart=$self run -- $tmp/app/bot"
echo "ok: no --user warned; bare and relative CMD made absolute"

# 3. what the host (here the fake tree: CPUs 0-3, node 0) lacks: exit 2
unit --cpus 4 --user trader -- /bin/true >/dev/null 2>"$tmp/err" && fail "CPU 4 taken"
grep -q -- '--cpus: CPU 4 is not online' "$tmp/err" || fail "CPU 4: $(cat "$tmp/err")"
expect_rc 2 unit --cpus 4 --user trader -- /bin/true 2>/dev/null
expect_rc 2 unit --membind 1 --user trader -- /bin/true 2>/dev/null
expect_rc 2 unit --user nosuch -- /bin/true 2>/dev/null
expect_rc 2 unit --user trader:nogroup -- /bin/true 2>/dev/null
expect_rc 2 unit -P nosuch -- /bin/true 2>/dev/null
expect_rc 2 unit --restart sometimes -- /bin/true 2>/dev/null
expect_rc 2 unit --fifo 10 --rr 10 -- /bin/true 2>/dev/null
expect_rc 2 unit --user trader -- no-such-program-here 2>/dev/null
expect_rc 2 unit --user trader 2>/dev/null
echo "ok: missing CPU, node, user, group, profile, program refused (2)"

# 4. systemd reads it as written, and its line does what run does
command -v systemd-analyze >/dev/null || {
	echo "SKIP: systemd-analyze missing (units not verified; the rest passed)"
	exit 77
}
mkdir "$tmp/units"
"$RTBPF" systemd-unit -P ultra --cpus 0 --mlock --membind 0 --user root --restart on-abort \
	-- /bin/sleep 30 >"$tmp/units/bot.service"
(cd "$tmp/units" && systemd-analyze verify --man=no ./bot.service) >"$tmp/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$tmp/verify")"
[ ! -s "$tmp/verify" ] || fail "systemd-analyze verify complains: $(cat "$tmp/verify")"
"$RTBPF" systemd-unit --cpus 0 --mlock --user nobody -- /bin/sleep 30 >"$tmp/units/n.service" 2>/dev/null
line=$(SYSTEMD_LOG_LEVEL=debug systemd-analyze verify --man=no "$tmp/units/n.service" 2>&1 |
	sed -n 's/^[[:space:]]*Command Line: //p')
[ "$line" = "$self run --cpus 0 --mlock -- /bin/sleep 30" ] || fail "systemd parsed: '$line'"
echo "ok: systemd-analyze verify clean; systemd parses: $line"
command -v setpriv >/dev/null || { echo "SKIP: no setpriv (the rest passed)"; exit 77; }
# as User=nobody runs it; the host's RLIMIT_MEMLOCK (no LimitMEMLOCK
# here: raising it needs CAP_SYS_RESOURCE) must hold sleep
# shellcheck disable=SC2086 # the parsed line, plain words
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups $line 2>"$tmp/run.err" &
child=$!
for _ in $(seq 50); do
	[ "$(readlink "/proc/$child/exe" 2>/dev/null)" = "$(readlink -f /bin/sleep)" ] &&
		[ "$(awk '$1 == "VmLck:" { print $2 }' "/proc/$child/status")" -gt 0 ] && break
	sleep 0.1
done
st=$(awk '$1 ~ /^(Uid|VmLck|Cpus_allowed_list):$/ { printf "%s %s ", $1, $2 }' "/proc/$child/status")
[[ $st == "Uid: $(id -u nobody) "* ]] || fail "not nobody: $st"
[[ $st == *"Cpus_allowed_list: 0 "* ]] || fail "affinity: $st"
kb=${st#*VmLck: }
[ "${kb%% *}" -gt 0 ] || fail "not locked: $st $(cat "$tmp/run.err")"
echo "ok: the unit's line as its User= runs: $st"
