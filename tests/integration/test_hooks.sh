#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Test hooks live only in the test build: the release binary (bin/rtbpf,
# and static/rtbpf when built) holds none of their names and ignores them
# all (a fault-injected apply on a fake root completes and reverts, a
# refused-FIFO hook leaves SCHED_FIFO, a missing-BTF and hidden-tracepoint
# hook leave the monitor running every collector), while the test build
# (tests/rtbpf) honours them.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
need_root
[ -x "$RTBPF_HOOKED" ] || fail "$RTBPF_HOOKED not built (make tools)"
command -v strings >/dev/null || skip "needs strings (binutils)"
hooks=(RTBPF_FAULT RTBPF_FAULT_EIO RTBPF_FAULT_FIFO RTBPF_HIDE_TP
	RTBPF_WAIT_TABLE RTBPF_BTF_PATH)

# The names: every one in the test build (so the search can find them),
# none in a release binary, debug info included.
strings -a "$RTBPF_HOOKED" >"$T/hooked.str"
for h in "${hooks[@]}"; do
	grep -qx "$h" "$T/hooked.str" || fail "test build lacks the $h hook"
done
rel=("$RTBPF")
[ -x "$RTBPF_BUILD/static/rtbpf" ] && rel+=("$RTBPF_BUILD/static/rtbpf")
for b in "${rel[@]}"; do
	strings -a "$b" >"$T/rel.str"
	for h in "${hooks[@]}"; do
		! grep -q "$h\b" "$T/rel.str" || fail "$b holds '$(grep -m1 "$h\b" "$T/rel.str")'"
	done
done
ok "hook names in the test build only (${rel[*]} hold none)"

# Fault hooks on a fake root: the release apply completes; the test build
# kills itself after the first journal record.
root=$T/root
make_tree "$T/orig"
rm -rf "$root" && cp -a "$T/orig" "$root"
rc=0
RTBPF_FAULT=journal:1 RTBPF_FAULT_EIO=/proc/irq/8/smp_affinity \
	"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || fail "release apply with RTBPF_FAULT set exited $rc: $(cat "$T/err")"
grep -q '^applied [0-9]* changes' "$T/out" || fail "release apply: $(tail -n 1 "$T/out")"
! grep -q unmovable "$T/out" || fail "release apply honoured RTBPF_FAULT_EIO"
[ "$(val "$root/proc/irq/8/smp_affinity")" = 3 ] ||
	fail "irq 8 not moved: $(val "$root/proc/irq/8/smp_affinity")"
"$RTBPF" revert --root "$root" >/dev/null || fail "revert after the release apply"
same_tree "$root" "$T/orig" || fail "tree differs after the release apply + revert"
ok "release apply ignores RTBPF_FAULT and RTBPF_FAULT_EIO"

rc=0
RTBPF_FAULT=journal:1 "$RTBPF_HOOKED" apply -P ultra --root "$root" --cpus 2-3 \
	>/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 137 ] || fail "test build with RTBPF_FAULT=journal:1 exited $rc, want 137"
"$RTBPF" revert --root "$root" >/dev/null 2>"$T/err" || fail "revert after the kill: $(cat "$T/err")"
same_tree "$root" "$T/orig" || fail "tree differs after kill + revert"
RTBPF_FAULT_EIO=/proc/irq/8/smp_affinity "$RTBPF_HOOKED" apply -P ultra \
	--root "$root" --cpus 2-3 >"$T/out" 2>&1 || fail "test build apply: $(cat "$T/out")"
grep -q 'irq 8: unmovable' "$T/out" || fail "test build ignored RTBPF_FAULT_EIO"
"$RTBPF" revert --root "$root" >/dev/null || fail "revert after the EIO apply"
ok "test build honours RTBPF_FAULT (SIGKILL) and RTBPF_FAULT_EIO"

# RTBPF_FAULT_FIFO on a sleeping child (process-local): FIFO stays FIFO.
policy() { awk '{ sub(/.*\) /, ""); print $(41 - 2) }' "/proc/$1/stat"; }
for b in "$RTBPF" "$RTBPF_HOOKED"; do
	start_bg child sleep 60
	child=$bg_pid
	RTBPF_FAULT_FIFO=1 "$b" apply -P ultra --root "$root" --cpus 1 --pid "$child" \
		--only process >/dev/null 2>"$T/err" || fail "$b apply --only process: $(cat "$T/err")"
	got=$(policy "$child")
	"$RTBPF" revert --root "$root" >/dev/null || fail "revert of the process stage"
	kill "$child"
	want=1 # SCHED_FIFO; the test build falls back to SCHED_RR
	[ "$b" = "$RTBPF_HOOKED" ] && want=2
	[ "$got" = "$want" ] || fail "$b with RTBPF_FAULT_FIFO=1: policy $got, want $want"
done
ok "RTBPF_FAULT_FIFO: ignored by the release, honoured by the test build"

# Monitor hooks: a missing BTF file, hidden tracepoints, a bad table size.
rc=0
RTBPF_BTF_PATH=/nonexistent/vmlinux "$RTBPF_HOOKED" monitor --count 1 \
	>/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 4 ] || fail "test build ignored RTBPF_BTF_PATH: exit $rc"
[ -r /sys/kernel/btf/vmlinux ] || skip "kernel lacks BTF: no monitor run"
RTBPF_BTF_PATH=/nonexistent/vmlinux RTBPF_HIDE_TP=irq_handler_entry \
	RTBPF_WAIT_TABLE=bogus "$RTBPF" monitor --json --count 1 --interval 200ms \
	>"$T/mon" 2>"$T/err" || fail "release monitor with the hooks set: $(cat "$T/err")"
cols=$(jq -c -s 'map(select(.type=="header"))[0].collectors' "$T/mon")
case $cols in *'"irq"'*) ;; *) fail "release monitor honoured RTBPF_HIDE_TP: $cols" ;; esac
no_progs_left || fail "programs left after the monitor"
ok "release monitor ignores RTBPF_BTF_PATH, RTBPF_HIDE_TP, RTBPF_WAIT_TABLE"
