#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf run --user on root's terminal: CMD must not be able to type into
# it. Inside a pty made by script(1), tty_inject tries TIOCSTI on fd 0.
# Ground truth first: run as nobody by setpriv (terminal kept as its
# controlling one), it injects where this host allows it
# (dev.tty.legacy_tiocsti); then under `rtbpf run --user nobody` it must be
# refused. Started as the session leader of the terminal, run refuses to
# start CMD (it cannot give the terminal up without hanging up the
# session); under setsid -w it runs.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
command -v script >/dev/null || skip "no script(1)"
command -v setpriv >/dev/null || skip "no setpriv(1)"
getent passwd nobody >/dev/null || skip "no user nobody"
INJ=$RTBPF_BUILD/tests/tty_inject
[ -x "$INJ" ] || fail "no $INJ"
chmod 755 "$T"

# in_pty CMD: CMD by sh -c inside a new pty; its output (CR stripped)
in_pty() { script -qec "$1" /dev/null </dev/null 2>&1 | tr -d '\r'; }

base=$(in_pty "setpriv --reuid nobody --regid nogroup --clear-groups $INJ; true")
echo "baseline as nobody: $base"
case $base in
*injected*) ;;
*refused*) skip "this host refuses TIOCSTI to unprivileged programs: nothing to guard ($base)" ;;
*) fail "baseline: no answer from tty_inject: $base" ;;
esac

out=$(in_pty "$RTBPF run --user nobody -- $INJ; echo rc=\$?")
echo "rtbpf run --user nobody: $out"
grep -q '^refused: ' <<<"$out" || fail "CMD run as nobody could type into root's terminal: $out"
grep -q '^rc=0$' <<<"$out" || fail "run did not exit 0: $out"
ok "run --user: CMD cannot push input into the terminal"

# exec: rtbpf replaces the shell that leads the pty's session (a lone
# command is exec'd by bash but not by dash, script(1) runs $SHELL)
out=$(in_pty "exec $RTBPF run --user nobody -- $INJ")
echo "as session leader: $out"
grep -q 'leads the session of its terminal' <<<"$out" || fail "no refusal as session leader: $out"
! grep -qE '^(injected|refused)' <<<"$out" || fail "CMD started as session leader: $out"
out=$(in_pty "setsid -w $RTBPF run --user nobody -- $INJ")
grep -q '^refused: ' <<<"$out" || fail "under setsid -w: $out"
ok "run --user as the terminal's session leader: refused; under setsid -w: runs, cannot type"
