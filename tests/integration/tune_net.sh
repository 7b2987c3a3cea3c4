#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# net stage: NIC channel counts, on a real 4-queue veth pair inside a
# network namespace this test makes (the journal lives in a fake root).
# apply sets rx = tx = the number of housekeeping CPUs (or N), check says
# OK, revert restores 4/4; a kill -9 after every step, then revert,
# restores them too. In the host's namespace the stage touches nothing.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_tmp --netns "rtbpf-tnet-$$"
command -v ip >/dev/null || { echo "SKIP: iproute2 missing"; exit 77; }
ip netns add "$ns" || { echo "SKIP: cannot create a network namespace"; exit 77; }
ip -n "$ns" link add va numrxqueues 4 numtxqueues 4 type veth \
	peer name vb numrxqueues 4 numtxqueues 4 ||
	{ echo "SKIP: multi-queue veth unavailable"; exit 77; }
root=$tmp/root
make_tree "$root"
in_ns() { ip netns exec "$ns" "$@"; }
# queues DEV: "rx tx" as the kernel shows them (sysfs of the namespace).
queues() {
	in_ns sh -c "echo \$(ls -d /sys/class/net/$1/queues/rx-* | wc -l) \$(ls -d /sys/class/net/$1/queues/tx-* | wc -l)"
}
# both "R T": each end of the pair has R rx and T tx queues.
both() { [ "$(queues va)" = "$1" ] && [ "$(queues vb)" = "$1" ]; }
[ "$(queues va)" = "4 4" ] || fail "veth starts with $(queues va) queues"
printf 'stage.net = on\nnet.channels = housekeeping\n' >"$tmp/hk.conf"
printf 'stage.net = on\nnet.channels = 3\n' >"$tmp/n3.conf"
# the test build: the fault runs set RTBPF_FAULT
net() { in_ns "${RTBPF_HOOKED:-$RTBPF}" "$@" --root "$root" --cpus 2-3 --only net; }

expect_rc 3 net check -P "$tmp/hk.conf" >"$tmp/out"
grep -q '^FAIL net .*va channels .*want rx 2 tx 2 combined 0 .*is rx 4 tx 4 combined 0' "$tmp/out" ||
	fail "check before apply: $(cat "$tmp/out")"
net apply -P "$tmp/hk.conf" --dry-run >"$tmp/out"
grep -qx 'ethtool -L va rx 2 tx 2 combined 0' "$tmp/out" || fail "dry run: $(cat "$tmp/out")"
[ "$(queues va)" = "4 4" ] || fail "dry run changed the queues"
net apply -P "$tmp/hk.conf" >"$tmp/out"
grep -q '^applied 2 changes' "$tmp/out" || fail "apply: $(tail -n 1 "$tmp/out")"
both "2 2" ||
	fail "after apply: va $(queues va), vb $(queues vb)"
expect_rc 0 net check -P "$tmp/hk.conf" >/dev/null
# A second apply keeps the first originals.
net apply -P "$tmp/n3.conf" >/dev/null
[ "$(queues va)" = "3 3" ] || fail "second apply: $(queues va)"
in_ns "$RTBPF" revert --root "$root" >/dev/null
both "4 4" ||
	fail "after revert: va $(queues va), vb $(queues vb)"

# A SIGKILL after every journal record and every write, then revert.
for kind in journal write; do
	for k in 1 2; do
		rc=0
		RTBPF_FAULT=$kind:$k net apply -P "$tmp/hk.conf" >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 137 ] || fail "fault $kind:$k: apply exited $rc"
		in_ns "$RTBPF" revert --root "$root" >/dev/null ||
			fail "fault $kind:$k: revert failed"
		both "4 4" ||
			fail "fault $kind:$k: va $(queues va), vb $(queues vb)"
	done
done

# Bad value: exit 2, nothing changed.
printf 'stage.net = on\nnet.channels = 0\n' >"$tmp/bad.conf"
expect_rc 2 net apply -P "$tmp/bad.conf" 2>/dev/null
[ "$(queues va)" = "4 4" ] || fail "bad profile changed the queues"
# The host's namespace under --root: the stage plans nothing.
"$RTBPF" apply -P "$tmp/hk.conf" --root "$root" --cpus 2-3 --only net >"$tmp/out"
grep -q '^applied 0 changes' "$tmp/out" || fail "host namespace: $(cat "$tmp/out")"
# A journal of NIC changes is not replayed from the host's namespace (a
# device there may carry the same name): refused, state file kept.
net apply -P "$tmp/hk.conf" >/dev/null
rc=0
"$RTBPF" revert --root "$root" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -ne 0 ] || fail "revert from the host namespace succeeded"
grep -q 'only restored inside a network namespace' "$tmp/err" || fail "host revert: $(cat "$tmp/err")"
[ -e "$root/var/lib/rtbpf/state" ] || fail "host revert removed the state file"
both "2 2" || fail "host revert changed the veth: va $(queues va)"
in_ns "$RTBPF" revert --root "$root" >/dev/null
both "4 4" || fail "revert in the namespace: va $(queues va), vb $(queues vb)"
echo "net: ok"
