#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make static: one file that runs with no shared library at all (libbpf,
# libelf, zlib and libc linked in), and really loads and runs the monitor.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
# a sanitizer runtime cannot be linked -static: make test covers it
[ -z "${RTBPF_SANITIZE:-}" ] || skip "no static binary in a $RTBPF_SANITIZE build"
bin=$RTBPF_BUILD/static/rtbpf
[ -x "$bin" ] || fail "$bin not built (make static)"
out=$(ldd "$bin" 2>&1)
case $out in
*"not a dynamic executable"* | *"statically linked"*) ok "ldd: $out" ;;
*) fail "ldd lists shared libraries: $out" ;;
esac
# an empty library path and no loader cache help cannot matter to it
env -i LD_LIBRARY_PATH=/nonexistent "$bin" --version >"$T/v" ||
	fail "static binary does not run: $(cat "$T/v")"
grep -q ', static$' "$T/v" || fail "the static binary does not say it is static: $(cat "$T/v")"
ok "runs: $(tr '\n' ' ' <"$T/v")"
env -i LD_LIBRARY_PATH=/nonexistent "$bin" monitor --json --interval 200ms \
	--count 2 >"$T/m" 2>"$T/e" || fail "static monitor failed: $(cat "$T/e")"
[ "$(jq -s 'map(select(.type=="interval")) | length' "$T/m")" = 2 ] ||
	fail "static monitor did not report 2 intervals"
no_progs_left || fail "programs left after the static monitor"
ok "static monitor loaded, reported 2 intervals and unloaded"
# the exporter without an HTTP server: --listen refused naming the
# packaged build, --textfile written (as nobody, once loaded)
env -i "$bin" monitor --listen 9 >/dev/null 2>"$T/e"
rc=$?
if [ "$rc" != 2 ] || ! grep -q 'packaged build' "$T/e"; then
	fail "static --listen: exit $rc: $(cat "$T/e")"
fi
chmod 711 "$T"
mkdir -m 777 "$T/tf"
env -i "$bin" monitor --quiet --interval 200ms --count 2 \
	--textfile "$T/tf/rtbpf.prom" 2>"$T/e" || fail "static --textfile: $(cat "$T/e")"
grep -q '^rtbpf_intervals_total 2$' "$T/tf/rtbpf.prom" ||
	fail "static --textfile: no page of 2 intervals"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/tf/rtbpf.prom" >"$T/pt" 2>&1 ||
		fail "promtool on the static page: $(cat "$T/pt")"
fi
no_progs_left || fail "programs left after the static monitor"
ok "static: --listen refused (exit 2), --textfile written"
