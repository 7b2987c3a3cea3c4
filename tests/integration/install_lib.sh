#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make install DESTDIR=...: the binary, librtbpf.a, its headers and a
# pkg-config file land under the prefix, and a program built only from
# what was installed (pkg-config librtbpf, with and without --static)
# links and runs, the AF_XDP part (libxdp, libbpf) included.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
command -v pkg-config >/dev/null || skip "pkg-config missing"
dest=$T/root
make -s -C "$RTBPF_TOP" O="$RTBPF_BUILD" SANITIZE="${RTBPF_SANITIZE:-}" \
	install DESTDIR="$dest" prefix=/usr \
	>"$T/install.log" 2>&1 || fail "make install: $(tail -n 5 "$T/install.log")"
for f in usr/bin/rtbpf usr/lib/librtbpf.a usr/lib/librtbpf-mlock.so \
	usr/lib/pkgconfig/librtbpf.pc usr/include/rtbpf/ring.h \
	usr/include/rtbpf/xsk.h; do
	[ -e "$dest/$f" ] || fail "$f not installed"
done
"$dest/usr/bin/rtbpf" --version >/dev/null || fail "installed rtbpf does not run"
# the release binary, never the test build with its hooks
cmp -s "$dest/usr/bin/rtbpf" "$RTBPF" || fail "installed rtbpf is not $RTBPF"
# every symbol the library defines for its users is in rtbpf's name space
# (nothing in libxdp's xsk_ or anyone else's)
if command -v nm >/dev/null; then
	stray=$(nm -g --defined-only "$dest/usr/lib/librtbpf.a" |
		awk 'NF == 3 && $3 !~ /^rtbpf_/ { print $3 }')
	[ -z "$stray" ] || fail "librtbpf.a defines symbols outside rtbpf_: $stray"
	ok "librtbpf.a: every global symbol starts with rtbpf_"
fi

cat >"$T/use.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <rtbpf/ring.h>
#include <rtbpf/xsk.h>

int main(void)
{
	struct rtbpf_ring *r = rtbpf_ring__new(8, 0);
	struct rtbpf_msg in = { .key = 42 }, out = { 0 };

	struct rtbpf_xsk_opts o = { 0 }; /* no interface: EINVAL */

	if (!r || rtbpf_ring__try_push(r, &in) || rtbpf_ring__pop(r, &out))
		return 1;
	if (rtbpf_xsk__create(&o) || errno != EINVAL)
		return 1;
	printf("%llu\n", (unsigned long long)out.key);
	rtbpf_ring__free(r);
	return 0;
}
C
for static in "" --static; do
	flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig \
		pkg-config --cflags --libs $static librtbpf) || fail "pkg-config $static librtbpf failed"
	# shellcheck disable=SC2086 # flags are words
	# a sanitizer build's library needs its runtime (make test-san)
	cc -std=gnu11 ${RTBPF_SANITIZE:+-fsanitize=$RTBPF_SANITIZE} "$T/use.c" $flags -o "$T/use" 2>"$T/cc.err" ||
		fail "building against the installed library ($static): $(cat "$T/cc.err")"
	[ "$("$T/use")" = 42 ] || fail "program built from the install ($static) gave the wrong answer"
	ok "installed under DESTDIR; a program built with pkg-config $static librtbpf runs"
done
