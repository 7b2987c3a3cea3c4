#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# revert trusts nothing it did not write, on a fake root. After a real
# apply the state is damaged in one way at a time: a NUL (or other
# non-printable) byte, a record whose path is not canonical, escapes the
# root or is not one its stage writes, a state directory writable by others
# or owned by nobody, a FIFO or symlink as state file, a symlinked lock.
# Each time revert (and apply) must exit 1 naming the reason, and the
# whole tree, state file included, must be byte-identical afterwards (mode
# and owner too). Then a symlink in a record's directories that points out
# of the root: revert stays inside it, with openat2 and without.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chown)"; exit 77; }
export LC_ALL=C
fixture_tmp --shm # tmpfs: no fsync cost
sd=$root/var/lib/rtbpf
st=$sd/state
make_tree "$tmp/orig"
apply() { "$RTBPF" apply -P ultra --root "$root" --cpus 2-3; }
fresh() {
	rm -rf "$root" && cp -a "$tmp/orig" "$root"
	apply >/dev/null
}

# manifest DIR: every entry's type, mode, owner, link target and content.
manifest() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# add_record BODY: appends a record with a valid checksum.
add_record() {
	printf '%s %s\n' "$(fnv1a "$1")" "$1" >>"$st"
}

# refused WHAT REGEX: revert and apply exit 1 with REGEX on stderr and
# change nothing at all. Every case runs; failures are counted.
bad=0
refused() {
	local cmd rc why
	manifest "$root" >"$tmp/before"
	for cmd in revert apply; do
		rc=0
		why=
		if [ "$cmd" = revert ]; then
			timeout 20 "$RTBPF" revert --root "$root" >"$tmp/out" 2>"$tmp/err" || rc=$?
		else
			timeout 20 "$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >"$tmp/out" 2>"$tmp/err" || rc=$?
		fi
		manifest "$root" >"$tmp/after"
		[ "$rc" -eq 1 ] || why="exited $rc, expected 1"
		grep -Eq "$2" "$tmp/err" || why="$why; no '$2'"
		diff -q "$tmp/before" "$tmp/after" >/dev/null || why="$why; tree or state changed"
		if [ -n "$why" ]; then
			echo "FAIL: $1: $cmd: ${why#; } (stderr: $(head -c 300 "$tmp/err"))" >&2
			bad=$((bad + 1))
		fi
	done
}

# A NUL, a control byte, DEL and a non-ASCII byte inside line 3: today's
# parser stopped at a NUL and restored only what came before it.
for byte in '\0000' '\0001' '\0011' '\0177' '\0377'; do
	fresh
	off=$(($(head -n 2 "$st" | wc -c) + 12))
	printf '%b' "$byte" | dd of="$st" bs=1 seek="$off" conv=notrunc status=none
	refused "byte $byte" "byte 0x[0-9a-f]{2} at offset $off \\(line 3\\) cannot be in a journal"
done

# Record paths: not canonical, out of the root, not what the stage writes.
# The journal of today's format (2: kinds by name, thread records with
# their TID) and one of format 1 (kinds by letter, the TID in the path:
# tests/integration/fixtures/tune_state_v1, what rtbpf wrote for this apply
# before format 2), which revert still reads.
fresh1() {
	fresh
	cp "$RTBPF_TOP/tests/integration/fixtures/tune_state_v1" "$st"
	chmod 0600 "$st"
}
while IFS='|' read -r format body why; do
	if [ "$format" = 1 ]; then fresh1; else fresh; fi
	add_record "$body"
	refused "format $format record '$body'" "line [0-9]+ is corrupt \\(offset [0-9]+\\): .*$why"
done <<'EOF'
2|file sysctl =/proc/sys/../../../etc/passwd =x =x =y|not canonical
2|file irqbalance =/etc/default/../../../../etc/shadow =x =x =y|not canonical
2|file irq =/proc/irq//8/smp_affinity =f =f =3|not canonical
2|file irq =/proc/irq/./8/smp_affinity =f =f =3|not canonical
2|file irq =/proc/irq/8/smp_affinity/ =f =f =3|not canonical
2|file irq =proc/irq/8/smp_affinity =f =f =3|not canonical
2|file sysctl =/etc/shadow =x =x =y|not one the sysctl stage makes
2|file sysctl =/proc/sys/kernel/core_pattern =core =core =%7Cbin/sh|not one the sysctl stage makes
2|file irq =/proc/sys/vm/swappiness =60 =60 =1|not one the irq stage makes
2|file irq =/proc/irq/08/smp_affinity =f =f =3|not one the irq stage makes
2|created systemd =/etc/passwd = = =x|not one the systemd stage makes
2|file boot =/proc/cmdline =a =a =b|not one the boot stage makes
2|file nosuch =/proc/sys/vm/swappiness =60 =60 =1|unknown stage
2|sched process =tid:1%2F.. =x =x =y =1 =100|not one the process stage makes
2|affinity threads =/proc/1/task/0/affinity =0-3 =0-3 =1 =0 =100|names no thread
2|affinity threads =/proc/1/task/2/affinity =0-3 =0-3 =1 =3 =100|is not thread 3
2|affinity threads =/proc/1/task/1/affinity =0-3 =0-3 =1 =100|malformed
2|sched process =tid:1 =x =x =y|malformed
2|file sysctl =/proc/sys/vm/swappiness =60 =60 =1 =1 =100|malformed
2|F sysctl =/proc/sys/vm/swappiness =60 =60 =1|malformed
1|F sysctl =/proc/sys/../../../etc/passwd =x =x =y|not canonical
1|F sysctl =/etc/shadow =x =x =y|not one the sysctl stage makes
1|C systemd =/etc/passwd = = =x|not one the systemd stage makes
1|S process =tid:1%2F.. =x =x =y|not one the process stage makes
1|A threads =/proc/1/task/0/affinity =0-3 =0-3 =1 =100|names no thread
1|F sysctl =/proc/sys/vm/swappiness =60 =60 =1 =100|malformed
1|file sysctl =/proc/sys/vm/swappiness =60 =60 =1|malformed
EOF

# The state directory and files: mode, owner, type.
fresh
chmod 0777 "$sd"
refused "world-writable state dir" "state directory $sd is writable by group or others \\(mode 0777\\)"
fresh
chmod 0775 "$sd"
refused "group-writable state dir" "state directory $sd is writable by group or others \\(mode 0775\\)"
fresh
chown nobody "$sd"
refused "state dir owned by nobody" "state directory $sd is owned by uid $(id -u nobody), not by root"
fresh
chown nobody "$st"
refused "state file owned by nobody" "state file $st is owned by uid $(id -u nobody), not by root"
fresh
chmod 0622 "$st"
refused "state file writable by others" "state file $st is writable by group or others"
fresh
mv "$st" "$tmp/state.real"
mkfifo -m 0600 "$st"
refused "FIFO as state file" "state file $st is a FIFO"
fresh
mv "$st" "$tmp/state.real"
ln -s "$tmp/state.real" "$st"
refused "symlink as state file" "state file $st is a symlink"
fresh
rm "$sd/lock"
ln -s "$tmp/elsewhere" "$sd/lock"
refused "symlinked lock" "lock $sd/lock is a symlink"
[ ! -e "$tmp/elsewhere" ] || fail "the lock symlink's target was created"
fresh
mv "$sd" "$tmp/rtbpf.real"
ln -s "$tmp/rtbpf.real" "$sd"
refused "symlinked state dir" "state directory $sd is a symlink"

openat2_modes

# A symlink in a recorded file's directories that leads out of the root,
# absolute or up through ../: resolved inside the root (re-rooted, ".."
# clamped), by openat2 and by the fallback walk alike. The file outside
# holds exactly what apply wrote, what revert checks before restoring, so
# a resolver that escaped the root WOULD restore it there; the copy at the
# link's re-rooted target is the one revert must restore.
up=$(printf '../%.0s' 1 2 3 4 5 6 7 8 9 10 11 12)
for mode in $MODES; do
	for target in "$tmp/outside" "$up${tmp#/}/outside"; do
		what="$mode: etc/default -> $target"
		fresh
		rm -rf "$tmp/outside" "$tmp/outside.orig"
		mkdir -p "$tmp/outside" "$root$tmp/outside"
		cp "$root/etc/default/irqbalance" "$tmp/outside/irqbalance"
		cp "$root/etc/default/irqbalance" "$root$tmp/outside/irqbalance"
		cp -a "$tmp/outside" "$tmp/outside.orig"
		mv "$root/etc/default" "$root/etc/default.real"
		ln -s "$target" "$root/etc/default"
		rc=0
		under "$mode" "$RTBPF" revert --root "$root" >"$tmp/out" 2>"$tmp/err" || rc=$?
		[ "$rc" -eq 0 ] || fail "$what: revert exited $rc: $(cat "$tmp/err")"
		! grep -q 'changed by someone else' "$tmp/err" || fail "$what: $(cat "$tmp/err")"
		diff -r "$tmp/outside" "$tmp/outside.orig" >/dev/null ||
			fail "$what: revert wrote outside the root"
		cmp -s "$root$tmp/outside/irqbalance" "$tmp/orig/etc/default/irqbalance" ||
			fail "$what: revert did not restore the file inside the root"
		[ ! -e "$st" ] || fail "$what: revert kept the state file"
	done
done

# The unmovable-IRQ list lives beside the journal, in the state directory
# as resolved inside the root: with ROOT/var/lib a symlink out of the root
# (to a host directory that has an rtbpf/ of its own), an IRQ the kernel
# refuses (EIO) is listed inside the root, never outside, check reads that
# list, and revert removes it. Then a list rtbpf cannot have written (a
# FIFO, group-writable) is ignored, with a warning; check never blocks.
for mode in $MODES; do
	what="$mode: var/lib -> $tmp/outside"
	rm -rf "$root" "$tmp/outside" && cp -a "$tmp/orig" "$root"
	mkdir -p "$tmp/outside/rtbpf" "$root$tmp/outside"
	rmdir "$root/var/lib"
	ln -s "$tmp/outside" "$root/var/lib"
	rc=0
	RTBPF_FAULT_EIO=/proc/irq/0/smp_affinity under "$mode" "$RTBPF_HOOKED" apply -P ultra \
		--root "$root" --cpus 2-3 >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$what: apply exited $rc: $(cat "$tmp/err")"
	[ ! -s "$tmp/err" ] || fail "$what: apply said: $(cat "$tmp/err")"
	[ -z "$(ls -A "$tmp/outside/rtbpf")" ] || fail "$what: apply wrote outside the root: $(ls "$tmp/outside/rtbpf")"
	[ "$(cat "$root$tmp/outside/rtbpf/unmovable")" = /proc/irq/0/smp_affinity ] ||
		fail "$what: no unmovable list inside the root"
	rc=0
	under "$mode" "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only irq >"$tmp/out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || fail "$what: check exited $rc: $(cat "$tmp/out")"
	grep -Eq '^WARN +irq +irq 0 ' "$tmp/out" || fail "$what: irq 0 not unmovable: $(cat "$tmp/out")"
	for kind in fifo mode; do
		mv "$root$tmp/outside/rtbpf/unmovable" "$tmp/unmovable"
		if [ "$kind" = fifo ]; then
			mkfifo -m 0644 "$root$tmp/outside/rtbpf/unmovable"
		else
			cp -p "$tmp/unmovable" "$root$tmp/outside/rtbpf/unmovable"
			chmod 0664 "$root$tmp/outside/rtbpf/unmovable"
		fi
		rc=0
		timeout 20 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --only irq >"$tmp/out" 2>"$tmp/err" || rc=$?
		[ "$rc" -eq 3 ] || fail "$what: $kind list: check exited $rc"
		grep -Eq '^FAIL +irq +irq 0 ' "$tmp/out" || fail "$what: $kind list was believed"
		grep -q "unmovable is not a regular file owned by root and closed to group and others; unmovable list ignored" "$tmp/err" ||
			fail "$what: $kind list: $(cat "$tmp/err")"
		rm "$root$tmp/outside/rtbpf/unmovable"
		mv "$tmp/unmovable" "$root$tmp/outside/rtbpf/unmovable"
	done
	under "$mode" "$RTBPF" revert --root "$root" >/dev/null || fail "$what: revert failed"
	[ ! -e "$root$tmp/outside/rtbpf/unmovable" ] || fail "$what: revert left the unmovable list"
	[ -z "$(ls -A "$tmp/outside/rtbpf")" ] || fail "$what: revert wrote outside the root"
done

# Without openat2 a plain tree applies and reverts as with it.
for mode in $MODES; do
	[ "$mode" != openat2 ] || continue
	rm -rf "$root" && cp -a "$tmp/orig" "$root"
	under "$mode" "$RTBPF" apply -P ultra --root "$root" --cpus 2-3 >/dev/null
	under "$mode" "$RTBPF" revert --root "$root" >/dev/null
	same_tree "$root" "$tmp/orig" || fail "openat2 refused ($mode): apply + revert: tree differs"
done

# Escapes: '%' takes exactly two hex digits and never makes a NUL.
# sscanf("%2X") took a sign or one digit: "6%-1" read as "6\xff", "%4G0"
# as "\x040", "%+F" as "\x0f", and revert wrote them.
while IFS='|' read -r body why; do
	fresh
	add_record "$body"
	refused "escape in '$body'" "line [0-9]+ is corrupt \\(offset [0-9]+\\): $why"
done <<'EOF'
file sysctl =/proc/sys/vm/swappiness =6%-1 =%4G0 =1|bad escape in the old value
file sysctl =/proc/sys/vm/swappiness =60 =%4G0 =1|bad escape in the restore value
file sysctl =/proc/sys/vm/swappiness =60 =60 =%+F|bad escape in the new value
file sysctl =/proc/sys/vm/swappiness =6% =60 =1|bad escape in the old value
file sysctl =/proc/sys/vm/swappiness =6%F =60 =1|bad escape in the old value
file sysctl =/proc/sys/vm/swappiness =6%00 =60 =1|bad escape in the old value
file sysctl =/proc/sys/vm/swappines%-1 =60 =60 =1|bad or overlong path
EOF
# A value longer than any value may be (TUNE_VAL_MAX, profile.h: 48 KiB) is
# damage too: values are read to their length, bounded by name.
if command -v python3 >/dev/null; then
	fresh
	python3 - "$st" $((6 * 8192)) <<'PY'
import sys
body = "file sysctl =/proc/sys/vm/swappiness =%s =60 =1" % ("6" * int(sys.argv[2]))
h = 2166136261
for c in body.encode():
    h = (h ^ c) * 16777619 & 0xFFFFFFFF
with open(sys.argv[1], "a") as f:
    f.write("%08x %s\n" % (h, body))
PY
	refused "overlong value" "old value over the $((6 * 8192 - 1))-byte limit"
fi

[ "$bad" -eq 0 ] || fail "$bad refusals missing"
echo "journal trust: ok"
