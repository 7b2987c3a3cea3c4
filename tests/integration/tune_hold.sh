#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf hold keeps the CPU latency limit and a SO_TIMESTAMP socket open
# until SIGTERM; check reports the limit FAIL before and OK while held.
# The device is a plain file in a fake root (binary s32, as the kernel's
# reads give it), so the host's real limit is never set. The timestamp
# socket is real but lasts only as long as the holder.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp
dev=$root/dev/cpu_dma_latency
make_tree "$root"
mkdir -p "$root/dev"
printf '\x00\x94\x35\x77' >"$dev" # 2000000000: no limit held
le32() { od -An -td4 -N4 "$1" | tr -d ' '; }
printf 'power.dma_latency_us = 20\n' >"$tmp/p.conf"
chk() { "$RTBPF" check -P "$tmp/p.conf" --root "$root" --cpus 2-3 --only power; }

expect_rc 3 chk >"$tmp/out"
grep -q '^FAIL power .*cpu_dma_latency limit .*is 2000000000 us' "$tmp/out" ||
	fail "check without a holder: $(head -n 2 "$tmp/out")"
grep -q "rtbpf hold --dma-latency 20" "$tmp/out" || fail "check names no remedy"
# apply never writes it: only a running holder can keep it.
"$RTBPF" apply -P "$tmp/p.conf" --root "$root" --cpus 2-3 --only power >/dev/null || true
[ "$(le32 "$dev")" = 2000000000 ] || fail "apply wrote the device"
"$RTBPF" revert --root "$root" >/dev/null 2>&1 || true

# a latency takes units (a bare number is microseconds: tune_fifo.sh)
"$RTBPF" hold --root "$root" --dma-latency 0.02ms --timestamp >"$tmp/hold" 2>"$tmp/hold.err" &
child=$!
for _ in $(seq 50); do
	[ -s "$tmp/hold" ] && break
	sleep 0.1
done
line=$(head -n 1 "$tmp/hold")
[ -n "$line" ] || fail "holder printed nothing: $(cat "$tmp/hold.err")"
dfd=$(sed -n 's/.*cpu_dma_latency at 20 us (fd \([0-9]*\)).*/\1/p' <<<"$line")
tfd=$(sed -n 's/.*SO_TIMESTAMP socket (fd \([0-9]*\)).*/\1/p' <<<"$line")
if [ -z "$dfd" ] || [ -z "$tfd" ]; then fail "holder line: $line"; fi
[ "$(readlink "/proc/$child/fd/$dfd")" = "$dev" ] || fail "fd $dfd is not the device"
readlink "/proc/$child/fd/$tfd" | grep -q '^socket:' || fail "fd $tfd is not a socket"
[ "$(le32 "$dev")" = 20 ] || fail "device holds $(le32 "$dev"), want 20"
expect_rc 0 chk >"$tmp/out"
grep -q '^OK   power .*cpu_dma_latency limit .*is 20 us' "$tmp/out" ||
	fail "check while held: $(head -n 1 "$tmp/out")"

kill -TERM "$child"
rc=0
wait "$child" || rc=$?
child=
[ "$rc" -eq 0 ] || fail "holder exited $rc on SIGTERM"
grep -q "Terminated: released" "$tmp/hold" || fail "holder did not say it released"

# Bad input: exit 2 (usage) or 1 (open failed), nothing held or printed.
printf '\x00\x94\x35\x77' >"$dev"
for args in "" "--dma-latency -1" "--dma-latency 1500ns" "--dma-latency 2147483648" \
	"--timestamp extra"; do
	# shellcheck disable=SC2086 # word splitting is the point
	expect_rc 2 "$RTBPF" hold --root "$root" $args >"$tmp/out" 2>"$tmp/err"
	if [ ! -s "$tmp/err" ] || [ -s "$tmp/out" ]; then fail "hold $args: no error, or output"; fi
done
expect_rc 1 "$RTBPF" hold --root "$tmp/none" --dma-latency 1 --timestamp >"$tmp/out" 2>"$tmp/err"
grep -q "open $tmp/none/dev/cpu_dma_latency" "$tmp/err" || fail "missing device not named"
[ ! -s "$tmp/out" ] || fail "hold printed a holding line after a failed open"
[ "$(le32 "$dev")" = 2000000000 ] || fail "a refused hold wrote the device"
echo "hold: ok"
