#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Builds the in-process library's unit tests (ring, pool, event, dispatch),
# the drift check's (its worker and a scraping thread) and the exporter's
# (scrapes copying pages while the loop publishes them)
# with ThreadSanitizer instead of ASan and runs them; any data race report
# fails the test. No root. Prints PASS/FAIL lines and
# "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${RTBPF_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/tests/tsan
cc=${CC:-cc}
mkdir -p "$out"
cd "$top" || exit 1

pass=0 fail=0
# the drift check's worker and scraper threads: the shared code and the
# tuning engine beside drift.c
drift_srcs=()
for f in user/*.c user/tune/*.c user/tune/stages/*.c user/monitor/drift.c; do
	case $f in
	user/main.c | user/commands.c | user/tune/tune.c | user/tune/run.c | \
		user/tune/run_mlock.c | user/tune/unit.c | user/tune/hold.c) ;;
	*) drift_srcs+=("$f") ;;
	esac
done
# shellcheck disable=SC2207 # pkg-config's words
drift_libs=($(pkg-config --cflags --libs libbpf json-c 2>/dev/null || echo -lbpf -ljson-c))

# the exporter's pages: the shared code and the monitor's renderers
prom_srcs=()
# (the command table, user/commands.c, names every command: left out)
for f in user/*.c; do
	case $f in
	user/main.c | user/commands.c) ;;
	*) prom_srcs+=("$f") ;;
	esac
done
for f in coll names sched_snap noise_snap render render_noise render_sched \
	render_spike render_util expo prom_util prom_sched prom_noise httpd \
	httpd_listen spike tasklist; do
	prom_srcs+=("user/monitor/$f.c")
done
# shellcheck disable=SC2207 # pkg-config's words
prom_libs=($(pkg-config --cflags --libs libbpf json-c libmicrohttpd 2>/dev/null ||
	echo -lbpf -ljson-c -lmicrohttpd))

for name in ring fanin pool event dispatch drift prom; do
	src=tests/unit/test_$name.c bin=$out/test_$name log=$out/test_$name.log
	extra=(user/lib/*.c)
	[ "$name" = drift ] && extra=("${drift_srcs[@]}" -DRTBPF_VERSION='"tsan"' \
		-Ixdp/include -I"$build/skel" "${drift_libs[@]}" -lm)
	[ "$name" = prom ] && extra=("${prom_srcs[@]}" -DRTBPF_VERSION='"tsan"' \
		-Ixdp/include -I"$build/skel" "${prom_libs[@]}" -lm)
	# gcc warns that TSan does not model atomic_thread_fence; the futex
	# hand-off's fences are checked by the dispatch test's outcome.
	if ! "$cc" -std=gnu11 -O1 -g -fsanitize=thread -Wno-tsan \
		-I. -Iuser -Iuser/include "$src" "${extra[@]}" \
		-lcmocka -lpthread -o "$bin" >"$log" 2>&1; then
		fail=$((fail + 1))
		printf 'FAIL  tsan/test_%s (build)\n' "$name"
		sed 's/^/    | /' "$log" | tail -n 20
		continue
	fi
	if TSAN_OPTIONS="halt_on_error=1 exitcode=66" timeout 300 "$bin" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'PASS  tsan/test_%s\n' "$name"
	else
		fail=$((fail + 1))
		printf 'FAIL  tsan/test_%s\n' "$name"
		sed 's/^/    | /' "$log" | tail -n 40
	fi
done
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
