#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# rtbpf systemd-unit with hostile arguments: a newline (or any other byte)
# in CMD, its arguments or the profile name never starts a line of its own
# in the unit, and systemd parses ExecStart= (`rtbpf run OPTS -- CMD
# ARGS`) back to the exact argv: checked with systemd-analyze against a
# reference line that spells every byte of CMD and ARGS as \xNN. An rtbpf
# path systemd cannot take as an executable is refused (1).
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin dir" "$tmp/a" "$tmp/b"
exe="$tmp/bin dir/run%x;"
printf '#!/bin/sh\n' >"$exe"
chmod +x "$exe"
prof="$tmp/prof"$'\n'"ExecStartPre=evil"
printf 'include = ultra\n' >"$prof"
# shellcheck disable=SC1003,SC2016 # literal backslashes and dollars
args=(--cfg 'a b' '50%' $'x\nExecStartPre=/bin/evil' '' ';' '\;' 'q"\' "it's"
	$'\xc3\xa9\xff' '$HOME' '${HOME}' '%n' $'\e]0;t\a' $'tab\there' '\'
	'end\' $'\r' '#' '-' 'ExecStartPre=x')
"$RTBPF" systemd-unit -P "$prof" --cpus 1 -- "$exe" "${args[@]}" >"$tmp/a/x.service" 2>/dev/null
self=$(readlink -f "$RTBPF")

# 1. No injected line: every line is a section, a comment, blank or one of
# the keys rtbpf writes, once each; no raw control byte.
u=$tmp/a/x.service
if LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]' "$u"; then
	fail "raw control bytes in the unit"
fi
grep -vxE '|#.*|\[(Unit|Service|Install)\]|(Description|After|Wants|ExecStart|User|Group|LimitRTPRIO|LimitNICE|LimitMEMLOCK|Restart|WantedBy)=.*' "$u" &&
	fail "unit has lines rtbpf does not write (above)"
[ "$(grep -c '^ExecStart=' "$u")" = 1 ] || fail "want one ExecStart= line"
grep -q '^Description=run%%x; (rtbpf profile .*prof\\x0aExecStartPre=evil)$' "$u" ||
	fail "Description: $(grep '^Description' "$u")"
echo "ok: no line injected"

# 2. CMD is an argument of rtbpf run: any path is written (round trip
# below); rtbpf's own path, the executable, must be one systemd takes.
# shellcheck disable=SC2016 # a literal dollar
for odd in $'/bin/a\nb' $'/bin/a\eb' '/bin/a$b' '/bin/a"b' "/bin/a'b" '/bin/a\b'; do
	expect_rc 0 "$RTBPF" systemd-unit --user root -- "$odd" >/dev/null
done
# shellcheck disable=SC2016 # a literal dollar
for bad in 'q"x' "q'x" 'd$x' 'b\x'; do
	mkdir "$tmp/$bad"
	cp "$RTBPF" "$tmp/$bad/rtbpf"
	expect_rc 1 "$tmp/$bad/rtbpf" systemd-unit --user root -- /bin/true 2>"$tmp/err" >/dev/null
	grep -q "systemd-unit: rtbpf's path .* cannot be an executable" "$tmp/err" ||
		fail "no message for rtbpf in $bad: $(cat "$tmp/err")"
	rm -r "${tmp:?}/$bad"
done
echo "ok: any CMD path written; an rtbpf path systemd refuses is refused"

# 3. Round trip through systemd's own parser.
command -v systemd-analyze >/dev/null || {
	echo "SKIP: systemd-analyze missing (round trip not checked; the rest passed)"
	exit 77
}
# ref_arg ARG: every byte as \xNN in double quotes, '%' as %% and '$' as $$
ref_arg() {
	local b out='"'
	for b in $(printf '%s' "$1" | od -An -v -tx1); do
		case $b in
		25) out+='%%' ;;
		24) out+='$$' ;;
		*) out+="\\x$b" ;;
		esac
	done
	printf '%s"' "$out"
}
# ref_unit OUT ARGS...: the generated unit with ExecStart= spelled by ref_arg
ref_unit() {
	local out=$1 line a ref="ExecStart=$self run --cpus 1 --fifo 80 -- "
	shift
	for a in "$exe" "$@"; do ref+="$(ref_arg "$a") "; done
	while IFS= read -r line; do
		if [[ $line == ExecStart=* ]]; then
			printf '%s\n' "${ref% }"
		else
			printf '%s\n' "$line"
		fi
	done <"$u" >"$out"
}
# parsed FILE: the command line systemd parsed, as its debug dump shows it
parsed() {
	SYSTEMD_LOG_LEVEL=debug systemd-analyze verify "$1" 2>&1 |
		grep -A1 -e '-> ExecStart:' | sed -n 's/^[[:space:]]*Command Line: //p'
}
ref_unit "$tmp/b/x.service" "${args[@]}"
parsed "$tmp/a/x.service" >"$tmp/a.cmd"
parsed "$tmp/b/x.service" >"$tmp/b.cmd"
[ -s "$tmp/a.cmd" ] || fail "systemd-analyze did not parse the unit"
cmp -s "$tmp/a.cmd" "$tmp/b.cmd" || {
	diff "$tmp/a.cmd" "$tmp/b.cmd" >&2
	fail "systemd parses another argv than given"
}
# the comparison sees a one-byte difference
ref_unit "$tmp/b/x.service" "${args[@]:1}" 'x'
parsed "$tmp/b/x.service" >"$tmp/b.cmd"
cmp -s "$tmp/a.cmd" "$tmp/b.cmd" && fail "the round trip cannot see a difference"
echo "ok: systemd parses the exact argv back: $(cat "$tmp/a.cmd")"

# The unit file name said in the header: a valid unit name whatever the
# executable is called; a path to a directory is refused.
unit_name() { "$RTBPF" systemd-unit -P ultra --cpus 1 --user root -- "$1" 2>/dev/null | sed -n 's|^# install as /etc/systemd/system/||p'; }
for c in "/usr/bin/a b:a\\x20b.service" "/opt/x%n:x\\x25n.service" "/opt/a.service:a.service" \
	"/opt/trade-app.v2:trade-app.v2.service" "/opt/.hidden:\\x2ehidden.service"; do
	got=$(unit_name "${c%%:*}")
	[ "$got" = "${c#*:}" ] || fail "unit name of ${c%%:*}: '$got', want '${c#*:}'"
	[[ $got =~ ^[A-Za-z0-9:_.\\-]+\.service$ ]] || fail "'$got' is no unit name"
done
for c in /opt/ /opt/.. /opt/.; do
	rc=0
	"$RTBPF" systemd-unit -P ultra --cpus 1 --user root -- "$c" >/dev/null 2>"$tmp/err" || rc=$?
	[ "$rc" = 2 ] || fail "CMD $c: exit $rc, want 2"
	grep -q 'names a directory' "$tmp/err" || fail "CMD $c: $(cat "$tmp/err")"
done
echo "ok: unit file names escaped as systemd-escape does; a directory as CMD refused"
