#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make deb (scripts/deb.sh): the packages build from a copy of the tree
# (the tree gets no build files), lintian finds no error, and each holds
# what it should. Then, in a throw-away copy of this machine (an overlay
# of / in a private mount namespace, chrooted: the host's /etc, /usr and
# dpkg database are never written), dpkg -i installs both, and the
# installed files work: rtbpf --version, man -w for every page,
# the completion completes 'rtbpf mo' to monitor in bash, every unit
# passes systemd-analyze verify, check --root of a fake root runs, run
# --mlock finds its preload in /usr/lib/rtbpf; dpkg --purge leaves
# nothing of rtbpf's behind. About 60 s (the build is 30 s on 2 CPUs).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
# the package is built plain (dpkg-buildflags), whatever the suite's build
[ -z "${RTBPF_SANITIZE:-}" ] || skip "a sanitizer run: the package is tested by make test"
for t in dpkg-buildpackage dh dpkg-deb; do
	command -v "$t" >/dev/null || skip "$t missing (apt-get install dpkg-dev debhelper)"
done
top=$RTBPF_TOP
# the tree's files git sees (build/ aside), before and after
tree_state() { git -C "$top" status --porcelain --ignored 2>/dev/null | grep -v '^!! build/'; }
before=$(tree_state)
"$top/scripts/deb.sh" "$T/deb" >"$T/deb.log" 2>&1 || fail "make deb: $(tail -n 20 "$T/deb.log")"
after=$(tree_state)
[ "$before" = "$after" ] || fail "make deb changed the tree: $(diff <(echo "$before") <(echo "$after"))"
if command -v lintian >/dev/null; then
	grep -q '^E: ' "$T/deb/lintian.txt" && fail "lintian errors: $(grep '^E: ' "$T/deb/lintian.txt")"
	ok "lintian: no errors ($(grep -c '^W: ' "$T/deb/lintian.txt") warnings)"
fi
v=$(sed -n 's/^VERSION := //p' "$top/Makefile")
deb=$T/deb/rtbpf_${v}_amd64.deb
dev=$T/deb/librtbpf-dev_${v}_amd64.deb
for f in "$deb" "$dev"; do
	[ -f "$f" ] || fail "no $f: $(ls "$T/deb")"
done

# contents
dpkg-deb -c "$deb" | awk '{ print substr($6, 2) }' >"$T/files"
dpkg-deb -c "$dev" | awk '{ print substr($6, 2) }' >"$T/dev-files"
want=(/usr/sbin/rtbpf /usr/lib/rtbpf/librtbpf-mlock.so
	/usr/share/man/man8/rtbpf.8.gz /usr/share/man/man5/rtbpf-profile.5.gz
	/usr/share/bash-completion/completions/rtbpf
	/etc/rtbpf/profiles.d/example.conf /etc/default/rtbpf
	/usr/share/doc/rtbpf/monitor.md)
for c in $("$RTBPF" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'); do
	want+=("/usr/share/man/man8/rtbpf-$c.8.gz")
done
for u in "$top"/contrib/*.service; do
	want+=("/lib/systemd/system/${u##*/}")
done
for f in "${want[@]}"; do
	grep -qx "$f" "$T/files" || fail "rtbpf lacks $f"
done
for f in /usr/include/rtbpf/ring.h /usr/include/rtbpf/hist.h /usr/include/rtbpf/xsk.h; do
	grep -qx "$f" "$T/dev-files" || fail "librtbpf-dev lacks $f"
done
for lib in librtbpf librtbpf-xsk; do
	grep -qE "^/usr/lib/[a-z0-9_-]+/$lib\.a$" "$T/dev-files" || fail "librtbpf-dev lacks $lib.a"
	grep -qE "^/usr/lib/[a-z0-9_-]+/pkgconfig/$lib\.pc$" "$T/dev-files" || fail "librtbpf-dev lacks $lib.pc"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/rtbpf/profiles.d/example.conf || fail "example.conf is no conffile"
ok "${#want[@]} files in rtbpf, the libraries, headers and pkg-config files in librtbpf-dev"
dpkg-deb -x "$deb" "$T/x"
"$T/x/usr/sbin/rtbpf" --version | grep -q "^rtbpf $v" || fail "extracted rtbpf --version: $("$T/x/usr/sbin/rtbpf" --version 2>&1)"
ok "the extracted rtbpf runs: $("$T/x/usr/sbin/rtbpf" --version)"

# dpkg -i and --purge in a throw-away overlay of /
command -v unshare >/dev/null || skip "unshare missing (dpkg -i not tried; the rest passed)"
grep -qw overlay /proc/filesystems || skip "no overlayfs (dpkg -i not tried; the rest passed)"
# shellcheck source=tests/integration/tune_fixture.bash
. "$top/tests/integration/tune_fixture.bash"
make_tree "$T/fake"
mkdir "$T/up" "$T/work" "$T/m"
cat >"$T/inside.sh" <<'EOF'
set -eu
deb=$1 dev=$2 fake=$3
fail() { echo "FAIL (installed): $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
dpkg -i "$deb" "$dev" >/tmp/dpkg.log 2>&1 || fail "dpkg -i: $(tail -n 5 /tmp/dpkg.log)"
[ "$(command -v rtbpf)" = /usr/sbin/rtbpf ] || fail "rtbpf is $(command -v rtbpf)"
rtbpf --version
for p in rtbpf rtbpf-monitor rtbpf-profile rtbpf-apply rtbpf-xsk; do
	man -w "$p" >/dev/null || fail "man -w $p"
done
echo "man -w: ok"
got=$(bash -c '. /usr/share/bash-completion/bash_completion
	. /usr/share/bash-completion/completions/rtbpf
	COMP_WORDS=(rtbpf mo) COMP_CWORD=1 COMP_LINE="rtbpf mo" COMP_POINT=8
	_rtbpf rtbpf mo rtbpf; echo "${COMPREPLY[*]}"' 2>/dev/null)
[ "$got" = monitor ] || fail "completion of 'rtbpf mo': '$got'"
echo "completion: rtbpf mo -> monitor"
if command -v systemd-analyze >/dev/null; then
	cp /lib/systemd/system/rtbpf-apply@.service /tmp/rtbpf-apply@ultra.service
	systemd-analyze verify /lib/systemd/system/rtbpf-*.service \
		/tmp/rtbpf-apply@ultra.service || fail "systemd-analyze verify"
	echo "systemd-analyze verify: ok"
fi
rc=0
rtbpf check --root "$fake" --cpus 2-3 >/tmp/check.out 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "check --root of the fake root: exit $rc: $(tail -n 3 /tmp/check.out)"
echo "check --root: $(tail -n 1 /tmp/check.out)"
lck=$(rtbpf run --mlock -- sh -c 'sleep 0.3; grep VmLck /proc/$$/status' 2>&1) ||
	fail "run --mlock: $lck"
case $lck in *VmLck:*[1-9]*kB*) ;; *) fail "run --mlock locked nothing: $lck" ;; esac
echo "run --mlock: $lck"
dpkg --purge rtbpf librtbpf-dev >/tmp/purge.log 2>&1 || fail "dpkg --purge: $(tail -n 5 /tmp/purge.log)"
echo "purged"
EOF
rc=0
# shellcheck disable=SC2016 # expanded by the inner bash
unshare -m --propagation private bash -c '
	set -e
	mount -t overlay overlay -o "lowerdir=/,upperdir=$1/up,workdir=$1/work" "$1/m"
	mount -t proc proc "$1/m/proc"
	mount --rbind /dev "$1/m/dev"
	chroot "$1/m" bash "$1/inside.sh" "$2" "$3" "$1/fake"' inst "$T" "$deb" "$dev" \
	>"$T/inside.out" 2>&1 || rc=$?
sed 's/^/    /' "$T/inside.out"
[ "$rc" = 0 ] || fail "in the overlay: exit $rc"
# what the install and purge left (the overlay's upper layer), less
# dpkg's own records and logs
left=$(find "$T/up" -path "$T/up/var/lib/dpkg" -prune -o -path "$T/up/var/log" -prune \
	-o -path "$T/up/var/cache" -prune -o -path "$T/up/tmp" -prune -o -print |
	sed "s|^$T/up||" | grep -i rtbpf)
[ -z "$left" ] || fail "dpkg --purge left: $left"
ok "installed: --version, man, completion, units, check --root, run --mlock; purged: nothing left"
echo "deb: ok"
