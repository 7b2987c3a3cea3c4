#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make install DESTDIR=...: the binary, the two libraries (librtbpf.a,
# the in-process kit; librtbpf-xsk.a, the AF_XDP sockets), their headers
# and pkg-config files land under the prefix, and programs built only
# from what was installed link and run: one with pkg-config librtbpf
# alone (no libxdp or libbpf), one with pkg-config librtbpf-xsk, with and
# without --static.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
command -v pkg-config >/dev/null || skip "pkg-config missing"
dest=$T/root
make -s -C "$RTBPF_TOP" O="$RTBPF_BUILD" SANITIZE="${RTBPF_SANITIZE:-}" \
	install DESTDIR="$dest" prefix=/usr \
	>"$T/install.log" 2>&1 || fail "make install: $(tail -n 5 "$T/install.log")"
for f in usr/bin/rtbpf usr/lib/librtbpf.a usr/lib/librtbpf-xsk.a \
	usr/lib/librtbpf-mlock.so usr/lib/pkgconfig/librtbpf.pc \
	usr/lib/pkgconfig/librtbpf-xsk.pc usr/include/rtbpf/ring.h \
	usr/include/rtbpf/hist.h usr/include/rtbpf/xsk.h; do
	[ -e "$dest/$f" ] || fail "$f not installed"
done
"$dest/usr/bin/rtbpf" --version >/dev/null || fail "installed rtbpf does not run"
# the release binary, never the test build with its hooks
cmp -s "$dest/usr/bin/rtbpf" "$RTBPF" || fail "installed rtbpf is not $RTBPF"
# every symbol the libraries define for their users is in rtbpf's name
# space (nothing in libxdp's xsk_ or anyone else's); the kit needs
# nothing from libbpf or libxdp
if command -v nm >/dev/null; then
	for lib in librtbpf librtbpf-xsk; do
		stray=$(nm -g --defined-only "$dest/usr/lib/$lib.a" |
			awk 'NF == 3 && $3 !~ /^rtbpf_/ { print $3 }')
		[ -z "$stray" ] || fail "$lib.a defines symbols outside rtbpf_: $stray"
	done
	ok "librtbpf.a, librtbpf-xsk.a: every global symbol starts with rtbpf_"
	bpf=$(nm -u "$dest/usr/lib/librtbpf.a" | awk '$2 ~ /^(bpf|libbpf|xdp|xsk)_/ { print $2 }')
	[ -z "$bpf" ] || fail "librtbpf.a needs libbpf/libxdp: $bpf"
	ok "librtbpf.a needs neither libbpf nor libxdp"
fi

# use.c: the kit alone; with XSK, an AF_XDP socket too
cat >"$T/use.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <rtbpf/ring.h>
#ifdef XSK
#include <rtbpf/xsk.h>
#endif

int main(void)
{
	struct rtbpf_ring *r = rtbpf_ring__new(8, 0);
	struct rtbpf_msg in = { .key = 42 }, out = { 0 };

	if (!r || rtbpf_ring__try_push(r, &in) || rtbpf_ring__pop(r, &out))
		return 1;
#ifdef XSK
	struct rtbpf_xsk_opts o = { 0 }; /* no interface: EINVAL */

	if (rtbpf_xsk__create(&o) || errno != EINVAL)
		return 1;
#endif
	printf("%llu\n", (unsigned long long)out.key);
	rtbpf_ring__free(r);
	return 0;
}
C
for pc in librtbpf librtbpf-xsk; do
	def=
	[ "$pc" = librtbpf-xsk ] && def=-DXSK
	for static in "" --static; do
		flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig \
			pkg-config --cflags --libs $static $pc) || fail "pkg-config $static $pc failed"
		if [ "$pc" = librtbpf ]; then
			case " $flags " in *" -lbpf "* | *" -lxdp "*)
				fail "pkg-config $static librtbpf names libbpf/libxdp: $flags" ;;
			esac
		fi
		# shellcheck disable=SC2086 # flags are words
		# a sanitizer build's library needs its runtime (make test-san)
		cc -std=gnu11 ${RTBPF_SANITIZE:+-fsanitize=$RTBPF_SANITIZE} $def "$T/use.c" $flags -o "$T/use" 2>"$T/cc.err" ||
			fail "building against the installed $pc ($static): $(cat "$T/cc.err")"
		[ "$("$T/use")" = 42 ] || fail "program built from the install ($pc $static) gave the wrong answer"
		ok "installed under DESTDIR; a program built with pkg-config $static $pc runs"
	done
done
