#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Crash-safe file writes, on a fake root (every knob there is a plain file,
# written the way a config file is). apply is killed (SIGKILL) inside the
# write window of every single file write: once with the temp file half
# written ("partial") and once with it complete but not yet renamed over
# the file ("staged"). After each kill no file is cut (each holds its
# original bytes or the whole new ones), a plain revert restores every
# original byte, mode and owner and leaves no temp file, and an apply run
# again after the kill completes, checks clean and reverts exactly.
# Modes and owners of replaced files are kept by apply as well.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chown)"; exit 77; }
hooked=${RTBPF_HOOKED:-$RTBPF}
# tmpfs when there is one: fsync costs nothing there, and a SIGKILL tests
# the same window on any file system.
fixture_tmp --shm
make_tree "$tmp/orig"
# Replaced files keep an unusual mode and owner.
chown nobody:nogroup "$tmp/orig/etc/default/irqbalance"
chmod 0640 "$tmp/orig/etc/default/irqbalance"
chmod 0604 "$tmp/orig/proc/sys/vm/swappiness"
apply() { "$1" apply -P ultra --root "$root" --cpus 2-3; }
fresh() { rm -rf "$root" && cp -a "$tmp/orig" "$root"; }

# tree DIR: type, mode, owner, link target and content of every entry but
# the journal directory.
tree() {
	(cd "$1" && find . -path ./var/lib/rtbpf -prune -o -printf '%p %y %m %U:%G %l\n' | sort &&
		find . -path ./var/lib/rtbpf -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
}
# sums DIR: content of every file but the journal and write temp files.
sums() {
	(cd "$1" && find . -path ./var/lib/rtbpf -prune -o -type f ! -name '.*.rtbpf-tmp' -print0 |
		sort -z | xargs -0 sha256sum)
}

fresh
tree "$root" >"$tmp/orig.tree"
apply "$RTBPF" >"$tmp/apply.out"
n=$(sed -n 's/^applied \([0-9]*\) changes.*/\1/p' "$tmp/apply.out")
[ "${n:-0}" -gt 30 ] || fail "expected more than 30 changes, got '$n'"
# The K-th write of apply is its K-th command: re-apply after the kill in
# the first and last write, the first thread's and those of the config
# files (replaced and created); a plain revert after every kill.
mapfile -t reapply < <(grep '^+ ' "$tmp/apply.out" |
	awk -v n="$n" 'NR == 1 || NR == n || /irqbalance|systemd stage|limits stage/ ||
		(/\/affinity$/ && !aff++) { print NR }')
[ "${#reapply[@]}" -ge 4 ] || fail "config file writes not found in: $(cat "$tmp/apply.out")"
sums "$root" >"$tmp/applied.sums"
# apply replaced the file, keeping its mode and owner.
[ "$(stat -c '%a %U:%G' "$root/etc/default/irqbalance")" = "640 nobody:nogroup" ] ||
	fail "apply changed irqbalance's mode/owner: $(stat -c '%a %U:%G' "$root/etc/default/irqbalance")"
[ "$(stat -c '%a' "$root/proc/sys/vm/swappiness")" = 604 ] || fail "apply changed swappiness's mode"
grep -q '^IRQBALANCE_BANNED_CPULIST=2-3$' "$root/etc/default/irqbalance" || fail "irqbalance not written"
"$RTBPF" revert --root "$root" >/dev/null
tree "$root" | diff "$tmp/orig.tree" - >&2 || fail "apply + revert: tree differs"
sums "$tmp/orig" >"$tmp/orig.sums"

# Every file of a killed apply holds its original or its new bytes, whole.
not_cut() {
	sums "$root" | awk -v what="$1" '
		FILENAME == ARGV[1] { o[$2] = $1; next }
		FILENAME == ARGV[2] { a[$2] = $1; next }
		$1 != o[$2] && $1 != a[$2] { print what ": " $2 " is neither the original nor the new content"; bad = 1 }
		END { exit bad }' "$tmp/orig.sums" "$tmp/applied.sums" - >&2
}

for point in partial staged; do
	for ((k = 1; k <= n; k++)); do
		afters=revert
		[[ " ${reapply[*]} " == *" $k "* ]] && afters="revert reapply"
		for after in $afters; do
			fresh
			rc=0
			RTBPF_FAULT=$point:$k apply "$hooked" >/dev/null 2>&1 || rc=$?
			[ "$rc" -eq 137 ] || fail "$point:$k: apply exited $rc, expected 137 (SIGKILL)"
			not_cut "$point:$k" || fail "$point:$k: a file was cut"
			if [ "$after" = reapply ]; then
				apply "$RTBPF" >/dev/null 2>"$tmp/err" ||
					fail "$point:$k: apply after the kill failed: $(cat "$tmp/err")"
				sums "$root" | diff -q "$tmp/applied.sums" - >/dev/null ||
					fail "$point:$k: re-applied tree differs from a clean apply"
			fi
			"$RTBPF" revert --root "$root" >"$tmp/out" 2>"$tmp/err" ||
				fail "$point:$k ($after): revert failed: $(cat "$tmp/err")"
			tree "$root" | diff "$tmp/orig.tree" - >&2 ||
				fail "$point:$k ($after): tree differs after revert"
		done
	done
done
echo "crash: ok ($n writes x 2 points; re-applied after writes ${reapply[*]})"
