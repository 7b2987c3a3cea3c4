#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Journals of format 1 (before the knob kinds had names: kinds by letter,
# a thread's TID only in its path) still revert, exactly. The fixture
# tests/integration/fixtures/tune_state_v1 is the state file rtbpf wrote
# for `apply -P ultra --cpus 2-3` on tune_fixture.bash's fake root before
# format 2 (file, created and affinity records; sched and netdev records
# need a live thread or a NIC and are covered by the cases below and by
# tune_journal_trust.sh).
#  1. the tree as apply leaves it, the format-1 journal: revert restores
#     every original byte and removes the state file;
#  2. a second apply on a format-1 journal appends in format 1 (letters),
#     keeps the first originals, and revert restores the tree;
#  3. a sched record appended to a format-1 journal ("S ... =tid:N ...
#     =START") is re-identified and restored (a thread of this session).
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
export LC_ALL=C
fixture_tmp --shm
st=$root/var/lib/rtbpf/state
fixture=$RTBPF_TOP/tests/integration/fixtures/tune_state_v1
make_tree "$tmp/orig"

# v1_tree: the tree as apply -P ultra --cpus 2-3 leaves it, with the
# format-1 journal of that apply.
v1_tree() {
	rm -rf "$root" && cp -a "$tmp/orig" "$root"
	"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null
	cp "$fixture" "$st"
	chmod 0600 "$st"
}

# 1. Revert of a format-1 journal.
v1_tree
"$RTBPF" revert --root "$root" >"$tmp/out" 2>"$tmp/err" || fail "revert failed: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] || fail "revert warned: $(cat "$tmp/err")"
n=$(($(wc -l <"$fixture") - 1))
grep -q "^reverted: $n restored, $n recorded; state file removed" "$tmp/out" ||
	fail "revert: $(tail -n 1 "$tmp/out")"
same_tree "$root" "$tmp/orig" || fail "format 1: tree differs after revert"
[ ! -e "$st" ] || fail "format 1: state file left"
ok "format-1 journal reverted"

# 2. apply on top of a format-1 journal: appended in format 1.
v1_tree
"$RTBPF" apply -P low-latency --root "$root" --cpus 2-3 >/dev/null
head -n 1 "$st" | grep -qx 'rtbpf-state 1' || fail "apply rewrote the header: $(head -n 1 "$st")"
cmp -s <(head -n "$(wc -l <"$fixture")" "$st") "$fixture" || fail "apply changed format-1 records"
[ "$(wc -l <"$st")" -gt "$(wc -l <"$fixture")" ] || fail "low-latency appended nothing"
tail -n +"$(($(wc -l <"$fixture") + 1))" "$st" | grep -Evq '^[0-9a-f]{8} [FCSAN] ' &&
	fail "records of format 2 in a format-1 journal: $(tail -n 2 "$st")"
"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" || fail "revert after a second apply: $(cat "$tmp/err")"
same_tree "$root" "$tmp/orig" || fail "format 1 + low-latency: tree differs after revert"
ok "format-1 journal appended to and reverted"

# 3. A thread record of format 1: a sleeping child of this session made
# FIFO on CPU 0, recorded as "S process =tid:N ... =START".
if [ "$(nproc)" -ge 2 ]; then
	policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/task/$1/stat"; }
	v1_tree
	sleep 300 &
	child=$!
	before=$(policy "$child"):$(taskset -pc "$child" | awk '{ print $NF }')
	echo 0-1 >"$root/sys/devices/system/cpu/online"
	echo 0-1 >"$root/sys/devices/system/cpu/possible"
	"$RTBPF" apply -P ultra --root "$root" --cpus 1 --pid "$child" --only process >/dev/null
	[ "$(policy "$child")" = 1 ] || fail "process: not FIFO after apply"
	grep -Eq "^[0-9a-f]{8} S process =tid:$child =[^ ]+ =[^ ]+ =fifo:[0-9]+@1 =[0-9]+\$" "$st" ||
		fail "process: no format-1 sched record: $(grep process "$st")"
	echo 0-3 >"$root/sys/devices/system/cpu/online"
	echo 0-3 >"$root/sys/devices/system/cpu/possible"
	"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" || fail "process: revert: $(cat "$tmp/err")"
	[ "$(policy "$child"):$(taskset -pc "$child" | awk '{ print $NF }')" = "$before" ] ||
		fail "process: not restored ($(policy "$child"))"
	same_tree "$root" "$tmp/orig" || fail "process: tree differs after revert"
	ok "format-1 sched record reverted"
fi
echo "journal format 1: ok"
