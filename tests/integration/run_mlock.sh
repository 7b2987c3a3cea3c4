#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf run --mlock through launchers, process-local and real (children
# only sleep; no RT policy). Ground truth from /proc of processes the test
# makes:
# - chain: run execs start.sh (sh), which execs shim.sh (sh, like a
#   version-manager shim), which execs forker (a dynamic C program): the
#   final program is run's own pid and has VmLck > 0; its child forked
#   without exec has VmLck 0; its child forked then exec'd (sh) has VmLck 0
#   and hands its own children no preload variables; no warning.
# - static: a statically linked CMD ignores LD_PRELOAD: it runs, and run's
#   watcher warns naming its pid and the reason.
# - unlocked: a dynamic CMD that calls munlockall() is named too.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
command -v cc >/dev/null || skip "needs cc to build the test programs"

status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# wait_file FILE: until FILE is non-empty (5 s).
wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

cat >"$T/forker.c" <<'EOF'
/* Forks a child that only sleeps and one that execs argv[1..]; prints
 * "final=PID plain=PID execd=PID" to argv[0].out, then sleeps. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char path[4096];
	pid_t plain, execd;
	FILE *f;

	snprintf(path, sizeof(path), "%s.out", argv[0]);
	if (argc > 2 && !strcmp(argv[1], "--unlock")) {
		munlockall();
		argv++;
		argc--;
	}
	plain = fork();
	if (!plain) {
		sleep(30);
		_exit(0);
	}
	execd = fork();
	if (!execd) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	f = fopen(path, "w");
	fprintf(f, "final=%d plain=%d execd=%d\n", (int)getpid(), (int)plain,
		(int)execd);
	fclose(f);
	sleep(30);
	return 0;
}
EOF
cc -O2 -o "$T/forker" "$T/forker.c" || fail "cannot build forker"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$T/shim.sh" >"$T/start.sh"
printf '#!/bin/sh\nexec "$@"\n' >"$T/shim.sh"
chmod +x "$T/start.sh" "$T/shim.sh"

# chain: sh -> sh -> forker, whose exec'd child writes its children's env
start_bg chain "$RTBPF" run --mlock -- "$T/start.sh" "$T/forker" \
	sh -c "env >'$T/execd.env'; exec sleep 30"
pid=$bg_pid
wait_file "$T/forker.out" || fail "forker did not start: $(cat "$T/chain.err")"
read -r final plain execd < <(sed 's/[a-z]*=//g' "$T/forker.out")
[ "$final" = "$pid" ] || fail "the final program is pid $final, run was $pid"
[ "$(readlink "/proc/$pid/exe")" = "$T/forker" ] || fail "pid $pid is not forker"
kb=$(status "$pid" VmLck)
[ "$kb" -gt 0 ] || fail "chain: forker (pid $pid) VmLck $kb kB: the lock did not follow the launchers' execs"
ok "chain: sh -> sh -> forker, pid $pid locked ($kb kB)"
[ "$(status "$plain" VmLck)" = 0 ] || fail "forked child $plain is locked"
wait_file "$T/execd.env" || fail "the exec'd child did not run"
for _ in $(seq 50); do
	[ "$(readlink "/proc/$execd/exe")" = "$(readlink -f "$(command -v sleep)")" ] && break
	sleep 0.1
done
[ "$(status "$execd" VmLck)" = 0 ] || fail "forked and exec'd child $execd is locked"
if grep -E '^RTBPF_MLOCK|^LD_PRELOAD=.*librtbpf-mlock' "$T/execd.env"; then
	fail "the exec'd child passed the preload on"
fi
ok "chain: children unlocked (fork: $plain, fork+exec: $execd), no preload passed on"
# the watcher judged forker locked: no warning by the end of its window
sleep 1.5
if grep 'no memory locked' "$T/chain.err"; then fail "warning for a locked chain"; fi
stop_bg "$pid" TERM
kill "$plain" "$execd" 2>/dev/null

# static: LD_PRELOAD does nothing; the warning names the pid and why
cat >"$T/static.c" <<'EOF'
#include <unistd.h>
int main(void) { sleep(30); return 0; }
EOF
cc -static -O2 -o "$T/static" "$T/static.c" 2>/dev/null || skip "no static libc to build a static CMD"
start_bg static "$RTBPF" run --mlock -- "$T/start.sh" "$T/static"
pid=$bg_pid
wait_line "$T/static.err" "pid $pid " 5 || fail "no warning for static CMD pid $pid: $(cat "$T/static.err")"
grep -q "pid $pid ($T/static) runs with no memory locked.*did not run in it (statically linked" "$T/static.err" ||
	fail "warning lacks pid, program or reason: $(cat "$T/static.err")"
[ "$(readlink "/proc/$pid/exe")" = "$T/static" ] || fail "static CMD not running"
[ "$(status "$pid" VmLck)" = 0 ] || fail "static CMD locked after all?"
[ "$(grep -c 'no memory locked' "$T/static.err")" = 1 ] || fail "the locked launchers were warned about: $(cat "$T/static.err")"
ok "static: $(grep 'no memory' "$T/static.err")"
stop_bg "$pid" TERM

# unlocked by itself: the preload is loaded, the program undid the lock
rm -f "$T/forker.out"
start_bg unlock "$RTBPF" run --mlock -- "$T/forker" --unlock sleep 30
pid=$bg_pid
wait_line "$T/unlock.err" "pid $pid " 5 || fail "no warning for munlockall pid $pid"
grep -q "pid $pid ($T/forker) .*unlocked itself" "$T/unlock.err" ||
	fail "wrong reason: $(cat "$T/unlock.err")"
ok "unlocked: $(grep 'no memory' "$T/unlock.err")"
wait_file "$T/forker.out"
read -r _ plain execd < <(sed 's/[a-z]*=//g' "$T/forker.out")
stop_bg "$pid" TERM
kill "$plain" "$execd" 2>/dev/null
