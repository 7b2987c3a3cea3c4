#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The man pages and the bash completion that rtbpf-docgen generates from
# the option tables ($RTBPF_BUILD/man, $RTBPF_BUILD/completion/rtbpf),
# checked against what the binary prints: every command of rtbpf --help
# has a page; every option of every command's --help is in its page,
# followed by the same text; groff warns about nothing; the completion
# loads in bash, with bash-completion and without, and completes
# commands, every option of --help, and values (profiles, interfaces, the
# host's CPUs, choices, comma lists). No root needed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
man_dir=$RTBPF_BUILD/man
comp=$RTBPF_BUILD/completion/rtbpf
if [ ! -f "$man_dir/rtbpf.8" ] || [ ! -f "$comp" ]; then
	fail "no generated pages or completion under $RTBPF_BUILD (make doc)"
fi
command -v man >/dev/null || skip "man missing"
command -v col >/dev/null || skip "col missing"

# A page as one line of words (blanks squeezed), as man renders it.
flat() {
	MANWIDTH=1000 LC_ALL=C man -l "$1" 2>"$T/man.err" | col -b | tr -s ' \t\n' '   '
	[ ! -s "$T/man.err" ] || fail "man $1: $(cat "$T/man.err")"
}

# "LEFT<TAB>TEXT" of each option of a --help (its text lines joined).
help_opts() {
	awk '
	function put() { if (left != "") print left "\t" text; left = "" }
	/^  (-|    --)/ {
		put(); line = substr($0, 3); sub(/^ +/, "", line); text = ""
		if (match(line, /  +/)) {
			left = substr(line, 1, RSTART - 1)
			text = substr(line, RSTART + RLENGTH)
		} else left = line
		sub(/^ +/, "", left); next
	}
	/^                            / && left != "" {
		t = $0; sub(/^ +/, "", t); text = text (text == "" ? "" : " ") t; next
	}
	{ put() }
	END { put() }'
}

cmds=$("$RTBPF" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ -n "$cmds" ] || fail "no commands in rtbpf --help"
nopt=0
for c in $cmds; do
	page=$man_dir/rtbpf-$c.8
	[ -f "$page" ] || fail "rtbpf $c has no man page ($page)"
	flat "$page" >"$T/page"
	subs=$c
	case $c in
	xsk) subs="xsk send:xsk recv" ;;
	bench) subs="bench e2e" ;;
	profile) subs="profile list:profile show:profile keys" ;;
	esac
	IFS=: read -ra words <<<"$subs"
	for s in "${words[@]}"; do
		# shellcheck disable=SC2086 # "xsk send" is two words
		"$RTBPF" $s --help | help_opts >"$T/opts"
		[ -s "$T/opts" ] || fail "$s --help: no options parsed"
		while IFS=$'\t' read -r left text; do
			want=$(printf '%s %s' "$left" "$text" | tr -s ' ')
			grep -qF -- "$want" "$T/page" ||
				fail "rtbpf-$c(8) lacks '$want' of '$s --help'"
			nopt=$((nopt + 1))
		done <"$T/opts"
	done
	grep -qF "rtbpf-$c - " "$T/page" || fail "rtbpf-$c(8): no NAME line"
done
ok "$nopt options of $(wc -w <<<"$cmds") commands: in the man pages with their --help text"
flat "$man_dir/rtbpf.8" >"$T/page"
for c in $cmds; do
	grep -qF "rtbpf-$c(8)" "$T/page" || fail "rtbpf(8) does not list rtbpf-$c(8)"
done
flat "$man_dir/rtbpf-profile.5" >"$T/page"
for k in stage.sysctl sysctl.vm.swappiness boot.idle power.governor; do
	grep -qF "$k" "$T/page" || fail "rtbpf-profile(5) lacks key $k"
done
grep -qF 'include = ultra' "$T/page" || fail "rtbpf-profile(5) lacks the built-in profiles"
ok "rtbpf(8) lists every command; rtbpf-profile(5) keys and built-ins"
if command -v groff >/dev/null; then
	for p in "$man_dir"/*.[58]; do
		w=$(groff -man -ww -z "$p" 2>&1) || fail "groff $p: $w"
		[ -z "$w" ] || fail "groff warns on $p: $w"
	done
	ok "groff: no warnings"
fi

# complete WORD...: what the completion offers for the last word
# (COMPREPLY, sorted), in a fresh bash, after sourcing $bc if set
# (bash-completion).
bc=
complete() {
	bash -c '
		[ -z "$1" ] || . "$1"
		. "$2"
		shift 2
		COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
		COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
		_rtbpf rtbpf "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' complete "$bc" "$comp" "$@" 2>/dev/null | sort
}

modes=(plain)
[ -r /usr/share/bash-completion/bash_completion ] && modes+=(bash-completion)
for m in "${modes[@]}"; do
	[ "$m" = plain ] || bc=/usr/share/bash-completion/bash_completion
	[ "$(complete rtbpf mo)" = monitor ] || fail "$m: 'rtbpf mo' gave '$(complete rtbpf mo)'"
	complete rtbpf "" >"$T/got"
	for c in $cmds; do grep -qx "$c" "$T/got" || fail "$m: command $c not offered"; done
	for c in $cmds; do
		subs=$c
		case $c in xsk) subs="xsk send:xsk recv" ;; bench) subs="bench e2e" ;; esac
		IFS=: read -ra words <<<"$subs"
		for s in "${words[@]}"; do
			# shellcheck disable=SC2086
			complete rtbpf $s -- >"$T/got"
			# shellcheck disable=SC2086
			"$RTBPF" $s --help | help_opts | sed -nE 's/^(-., )?(--[a-z-]+).*/\2/p' |
				while read -r o; do
					grep -qx -- "$o" "$T/got" || fail "$m: '$s $o' not offered"
				done
		done
	done
	[ "$(complete rtbpf xsk "")" = "$(printf '%s\n' --help -h recv send | sort)" ] ||
		fail "$m: rtbpf xsk: $(complete rtbpf xsk "" | tr '\n' ' ')"
	complete rtbpf apply --profile "" >"$T/got"
	grep -qx ultra "$T/got" || fail "$m: profiles: $(cat "$T/got")"
	grep -qx low-latency "$T/got" || fail "$m: profiles: $(cat "$T/got")"
	complete rtbpf profile show "" >"$T/got"
	grep -qx low-latency "$T/got" || fail "$m: profile show: $(cat "$T/got")"
	[ "$(complete rtbpf profile show ul)" = ultra ] ||
		fail "$m: profile show ul: $(complete rtbpf profile show ul)"
	complete rtbpf profile show -- | grep -qx -- --root || fail "$m: profile show --"
	complete rtbpf xsk send -I "" | grep -qx lo || fail "$m: interfaces: no lo"
	complete rtbpf monitor --cpus "" >"$T/got"
	grep -qxF "$(cat /sys/devices/system/cpu/online)" "$T/got" || fail "$m: CPUs: $(cat "$T/got")"
	[ "$(complete rtbpf xsk send --mode z)" = zerocopy ] || fail "$m: --mode z"
	[ "$(complete rtbpf monitor --collectors irq,so)" = irq,softirq ] ||
		fail "$m: --collectors irq,so: $(complete rtbpf monitor --collectors irq,so)"
	[ "$(complete rtbpf check --only irq,sysc)" = irq,sysctl ] || fail "$m: --only irq,sysc"
	[ -z "$(complete rtbpf monitor --interval "")" ] || fail "$m: --interval offered words"
	complete rtbpf run --cpus 1 -- printen | grep -qx printenv || fail "$m: no command after --"
	ok "$m: commands, every option, profiles (also of profile show), interfaces, CPUs, choices, lists"
done
echo "docgen: ok"
