#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Under --root every read, stat, opendir and exists test resolves inside
# the root, as the writes do: a symlink in the fake tree that points at a
# host path (absolute, or up through ../) reads the copy under ROOT, never
# the host's file, so no plan is based on host files. The same with openat2
# refused (a kernel before 5.6: ENOSYS; a container's seccomp filter: EPERM
# or ENOSYS): the fallback walk follows in-root links like RESOLVE_IN_ROOT,
# up to the same 40 links.
# Fake root only.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
export LC_ALL=C
fixture_tmp --shm
host=$tmp/host # stands for the host's files: never to be read
openat2_modes


# link_out PATH HOSTDIR HOW: ROOT/PATH becomes a symlink to the host path
# HOSTDIR (HOW: abs, or up: ../../.. far past the root); what was at
# ROOT/PATH moves to ROOT/HOSTDIR, where an in-root resolution lands.
link_out() {
	local up
	mkdir -p "$(dirname "$root$2")"
	mv "$root$1" "$root$2"
	if [ "$3" = abs ]; then
		ln -s "$2" "$root$1"
	else
		up=$(printf '../%.0s' 1 2 3 4 5 6 7 8 9 10 11 12)
		ln -s "$up${2#/}" "$root$1"
	fi
}

# The host side holds what a plan must never see.
mkdir -p "$host/limits.d" "$host/task/999" "$host/irq/77" "$host/cpu"
printf '0-1\n' >"$host/cpu/possible" # --cpus 2-3 would not exist
cp "$host/cpu/possible" "$host/cpu/online"
printf '@realtime - rtprio 99\n@realtime - memlock unlimited\n' >"$host/limits.d/50-host.conf"
printf 'root:x:0:\nrealtime:x:999:hostuser\n' >"$host/group"
cp -a "$host/irq/77" "$host/irq/78" # a directory listing differs
printf 'f\n' >"$host/irq/77/smp_affinity"
printf '999 (hosttask) S 1 500 500 0 -1 4194560 0\n' >"$host/task/999/stat"
printf '0-3\n' >"$host/task/999/affinity"

for mode in $MODES; do
	for how in abs up; do
		rm -rf "$root" && make_tree "$root"
		printf '@realtime - rtprio 7\n' >"$root/etc/security/limits.d/50-root.conf"
		printf 'root:x:0:\nrealtime:x:999:rootuser\n' >"$root/etc/group"
		link_out /etc/security/limits.d "$host/limits.d" "$how"
		link_out /etc/group "$host/group" "$how"
		link_out /proc/irq "$host/irq" "$how"
		link_out /proc/500/task "$host/task" "$how"
		link_out /sys/devices/system/cpu "$host/cpu" "$how"
		rc=0
		under "$mode" "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 \
			--only limits,irq,threads >"$tmp/out" 2>"$tmp/err" || rc=$?
		what="$mode, $how link"
		[ "$rc" -eq 3 ] || fail "$what: check exited $rc: $(cat "$tmp/err")"
		grep -Eq 'limits rtprio @realtime +want >= 80 +is 7$' "$tmp/out" ||
			fail "$what: limits.d read elsewhere: $(grep rtprio "$tmp/out")"
		grep -q 'realtime group .*is members: rootuser$' "$tmp/out" ||
			fail "$what: /etc/group read elsewhere: $(grep 'realtime group' "$tmp/out")"
		grep -Eq 'irq 25 +want' "$tmp/out" || fail "$what: /proc/irq not listed in the root"
		! grep -q 'irq 77' "$tmp/out" || fail "$what: /proc/irq listed on the host"
		grep -q 'tid 501 app-pinned' "$tmp/out" ||
			fail "$what: /proc/500/task listed elsewhere: $(grep tid "$tmp/out")"
		! grep -q hosttask "$tmp/out" || fail "$what: a host thread was planned"
		[ ! -s "$tmp/err" ] || fail "$what: check said: $(cat "$tmp/err")"
	done

	# An exists test: the link's host target is missing, its in-root
	# target is there (access(2) on ROOT/proc/irq said "missing").
	rm -rf "$root" && make_tree "$root"
	link_out /proc/irq "$tmp/nosuch/irq" abs
	rc=0
	under "$mode" "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 --only irq \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 3 ] || fail "$mode: exists: check exited $rc: $(cat "$tmp/err")"
	! grep -q 'missing; stage skipped' "$tmp/err" || fail "$mode: exists: $(cat "$tmp/err")"
	grep -Eq 'irq 25 +want' "$tmp/out" || fail "$mode: exists: no irq 25"

	# A link loop is ELOOP, a link to a file used as a directory ENOTDIR,
	# whichever resolver runs.
	rm -rf "$root" && make_tree "$root"
	mv "$root/proc/irq" "$root/proc/irq.real"
	ln -s loop2 "$root/proc/irq"
	ln -s /proc/irq "$root/proc/loop2"
	rc=0
	under "$mode" "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 --only irq \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	grep -q 'irq: .*/proc/irq missing; stage skipped' "$tmp/err" ||
		fail "$mode: loop: rc $rc: $(cat "$tmp/err")"
	under "$mode" "$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only sysctl >/dev/null ||
		fail "$mode: apply beside a link loop failed"
	under "$mode" "$RTBPF" revert --root "$root" >/dev/null || fail "$mode: revert failed"

	# The kernel's limit: 40 links in one resolution resolve, 41 are ELOOP.
	for n in 40 41; do
		rm -rf "$root" && make_tree "$root"
		mv "$root/proc/irq" "$root/proc/l0"
		for ((i = 1; i < n; i++)); do
			ln -s "l$((i - 1))" "$root/proc/l$i"
		done
		ln -s "/proc/l$((n - 1))" "$root/proc/irq"
		rc=0
		under "$mode" "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 --only irq \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		if [ "$n" = 40 ]; then
			grep -Eq 'irq 25 +want' "$tmp/out" || fail "$mode: 40 links: rc $rc: $(cat "$tmp/err")"
		else
			grep -q 'irq: .*/proc/irq missing; stage skipped' "$tmp/err" ||
				fail "$mode: 41 links: rc $rc: $(cat "$tmp/err")"
		fi
	done

	# apply + revert through in-root links of every kind: relative, absolute,
	# with "..", and a chain; the tree comes back byte for byte.
	rm -rf "$root" && make_tree "$root"
	mv "$root/etc/default" "$root/etc/default.real"
	ln -s default.real "$root/etc/default"
	mv "$root/proc/sys/vm" "$root/vm.real"
	ln -s /vm.real "$root/proc/sys/vm"
	mv "$root/proc/sys/kernel" "$root/proc/kernel.real"
	ln -s ../../../../proc/./kernel.real/../kernel.1 "$root/proc/sys/kernel"
	ln -s kernel.real "$root/proc/kernel.1"
	cp -a "$root" "$tmp/orig"
	under "$mode" "$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null ||
		fail "$mode: apply through in-root links failed"
	[ "$(cat "$root/vm.real/swappiness")" = 10 ] ||
		fail "$mode: vm.swappiness not written through /vm.real"
	[ "$(cat "$root/proc/kernel.real/timer_migration")" = 0 ] ||
		fail "$mode: timer_migration not written through the chain"
	grep -q IRQBALANCE_BANNED_CPULIST=2-3 "$root/etc/default.real/irqbalance" ||
		fail "$mode: irqbalance not written through default -> default.real"
	if [ ! -L "$root/etc/default" ] || [ ! -L "$root/proc/sys/vm" ]; then
		fail "$mode: a link was replaced"
	fi
	under "$mode" "$RTBPF" revert --root "$root" >/dev/null || fail "$mode: revert failed"
	diff -r --no-dereference -x rtbpf "$root" "$tmp/orig" ||
		fail "$mode: apply + revert through links: tree differs"
	rm -rf "$tmp/orig"
done
echo "tune in-root: ok"
