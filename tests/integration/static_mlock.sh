#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The static rtbpf, copied alone into an empty directory (as an operator
# copies it to a host), does run --mlock with no library installed: it
# carries the preload and hands it to CMD as a sealed memfd. Ground truth
# from /proc: CMD (sh, dynamic) has VmLck > 0, as root and as nobody; its
# exec'd child is unlocked and holds neither the memfd nor the preload
# variables; the memfd refuses writes; a CMD that unlocks itself is named.
# The dynamic rtbpf copied alone has no library to preload: exit 1 (an
# installation to fix, not 4, an unsupported kernel) with the ways out.
# No BPF, no RT policy: children only sleep.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
mkdir -m 711 "$T/dyn"
cp "$RTBPF" "$T/dyn/rtbpf"
rc=0
env -i "$T/dyn/rtbpf" run --mlock -- /bin/true 2>"$T/dyn.err" || rc=$?
[ "$rc" = 1 ] || fail "dynamic rtbpf alone: run --mlock exit $rc, want 1: $(cat "$T/dyn.err")"
grep -q 'librtbpf-mlock.so not found.*RTBPF_MLOCK_PRELOAD.*static' "$T/dyn.err" ||
	fail "no advice: $(cat "$T/dyn.err")"
ok "dynamic rtbpf alone: exit 1: $(cat "$T/dyn.err")"
[ -z "${RTBPF_SANITIZE:-}" ] || skip "no static binary in a $RTBPF_SANITIZE build"
src=$RTBPF_BUILD/static/rtbpf
[ -x "$src" ] || skip "$src not built (make static)"
chmod 711 "$T"
mkdir -m 711 "$T/bin"
cp "$src" "$T/bin/rtbpf"
bin=$T/bin/rtbpf
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# root, then nobody: CMD locked; its child (sh -c, exec'd) unlocked and
# without the fd or the variables
for who in root nobody; do
	user=()
	[ "$who" = root ] || user=(--user nobody)
	# shellcheck disable=SC2016 # expanded by the inner shells
	env -i PATH=/usr/bin:/bin "$bin" run --mlock "${user[@]}" -- sh -c '
		echo "self $$ $(awk "/^VmLck/ { print \$2 }" /proc/$$/status)"
		ls -l /proc/$$/fd | grep -c memfd:librtbpf-mlock | sed "s/^/memfds /"
		sh -c "echo \"child \$(awk \"/^VmLck/ { print \\\$2 }\" /proc/\$\$/status) \
\$(ls -l /proc/\$\$/fd | grep -c memfd:) pre=\${LD_PRELOAD:-} mark=\${RTBPF_MLOCK:-}\""' \
		>"$T/$who.out" 2>"$T/$who.err" || fail "$who: run --mlock failed: $(cat "$T/$who.err")"
	read -r _ _ kb < <(grep '^self ' "$T/$who.out")
	[ "${kb:-0}" -gt 0 ] || fail "$who: CMD VmLck ${kb:-?} kB: $(cat "$T/$who.out" "$T/$who.err")"
	grep -qx 'memfds 1' "$T/$who.out" || fail "$who: CMD does not hold the memfd: $(cat "$T/$who.out")"
	grep -qx 'child 0 0 pre= mark=' "$T/$who.out" ||
		fail "$who: the exec'd child: $(grep '^child' "$T/$who.out")"
	if grep -q 'no memory locked' "$T/$who.err"; then fail "$who: warned: $(cat "$T/$who.err")"; fi
	ok "$who: CMD locked ($kb kB) from the static binary alone; its child unlocked, no fd, no variables"
done

# the memfd is sealed: not even root writes to it through CMD's fd
start_bg seal env -i "$bin" run --mlock -- /bin/sleep 30
pid=$bg_pid
for _ in $(seq 50); do
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f /bin/sleep)" ] && [ "$(status "$pid" VmLck)" -gt 0 ] && break
	sleep 0.1
done
[ "$(status "$pid" VmLck)" -gt 0 ] || fail "sleep (pid $pid) not locked: $(cat "$T/seal.err")"
fd=$(find "/proc/$pid/fd" -lname '/memfd:librtbpf-mlock.so*' -printf '%f\n' | head -n 1)
[ -n "$fd" ] || fail "pid $pid holds no memfd"
if (printf x >>"/proc/$pid/fd/$fd") 2>/dev/null; then fail "the memfd took a write"; fi
ok "memfd sealed against writes (pid $pid, fd $fd)"
stop_bg "$pid" TERM

# the watcher still tells "unlocked itself" from "never loaded"
command -v cc >/dev/null || skip "needs cc for the munlockall case (the rest passed)"
printf '#include <sys/mman.h>\n#include <unistd.h>\nint main(void) { munlockall(); sleep(30); return 0; }\n' >"$T/unlock.c"
cc -O2 -o "$T/unlock" "$T/unlock.c" || fail "cannot build unlock"
start_bg unlock env -i "$bin" run --mlock -- "$T/unlock"
pid=$bg_pid
wait_line "$T/unlock.err" "pid $pid " 5 || fail "no warning for munlockall pid $pid"
grep -q "pid $pid ($T/unlock) .*unlocked itself" "$T/unlock.err" ||
	fail "wrong reason: $(cat "$T/unlock.err")"
ok "unlocked: $(grep 'no memory' "$T/unlock.err")"
stop_bg "$pid" TERM
