#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Text another user controls never reaches the terminal raw: thread names
# (any user sets them with prctl(PR_SET_NAME)), file contents shown as
# actual values and interface names print as \xNN escapes in check's table
# and in apply's shell commands, which still write the exact bytes; JSON
# keeps the raw value (escaped by the JSON writer). Fake root only.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
fixture_root --netns "rtbpf-tesc-$$"
esc=$'\e'
bel=$'\a'
# two threads on the latency CPUs with hostile names: one retitles the
# terminal, one forges a table row
add_task "$root" 800 800 "${esc}]0;pwned${bel}" "$PF_USER" 0-3
add_task "$root" 801 801 $'a\nFAKE ROW' "$PF_USER" 0-3
# file contents shown as actual values
printf '6\e[2J0\n' >"$root/proc/sys/vm/swappiness"
printf '3\e]0;irq\a\n' >"$root/proc/irq/25/effective_affinity_list"
printf '# \e[31mred\e[0m\r\nFAKE=1\x7f\n' >>"$root/etc/default/irqbalance"

# clean_text FILE WHAT: no byte below 0x20 but \n, no 0x7f, no forged row
clean_text() {
	if LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]' "$1" >"$tmp/bad"; then
		cat -v "$tmp/bad" >&2
		fail "$2: raw control bytes on stdout"
	fi
	! grep -q '^FAKE' "$1" || fail "$2: a line starts with FAKE"
}

expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 >"$tmp/check"
clean_text "$tmp/check" check
# -v: one line per thread (the names), not groups
expect_rc 3 "$RTBPF" check -v -P ultra --root "$root" --cpus 2-3 >"$tmp/check"
clean_text "$tmp/check" "check -v"
for want in 'tid 800 \x1b]0;pwned\x07' 'tid 801 a\x0aFAKE ROW' \
	'is 6\x1b[2J0' 'is 3\x1b]0;irq\x07'; do
	grep -qF -- "$want" "$tmp/check" || fail "check lacks '$want'"
done

# JSON: the raw names, as written
expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus 2-3 --json >"$tmp/json"
jq -c --arg a "tid 800 ${esc}]0;pwned${bel}" --arg b $'tid 801 a\nFAKE ROW' \
	'select(.type == "item") | select(.item == $a or .item == $b)' \
	"$tmp/json" >"$tmp/jitems"
[ "$(wc -l <"$tmp/jitems")" = 2 ] || fail "JSON lacks the raw thread names"

# apply --dry-run: the shell commands are clean text, yet run by sh on a
# copy of the tree they write what apply itself writes
cp -a "$root" "$tmp/dry"
"$RTBPF" apply --dry-run -P ultra --root "$tmp/dry" --cpus 2-3 --only irqbalance,sysctl >"$tmp/cmds"
clean_text "$tmp/cmds" "apply --dry-run"
grep -q '^printf' "$tmp/cmds" || fail "no printf command for irqbalance"
sh "$tmp/cmds" || fail "the dry-run commands do not run in sh"
"$RTBPF" apply -P ultra --root "$root" --cpus 2-3 --only irqbalance,sysctl >"$tmp/apply"
clean_text "$tmp/apply" apply
cmp "$root/etc/default/irqbalance" "$tmp/dry/etc/default/irqbalance" ||
	fail "dry-run commands wrote other bytes than apply"
grep -qF $'\e[31mred\e[0m\r' "$root/etc/default/irqbalance" ||
	fail "apply lost the file's own bytes"
"$RTBPF" revert --root "$root" >"$tmp/revert"
clean_text "$tmp/revert" revert

# revert's shell commands quote paths and values as apply's do: under a
# root a shell would split and expand, the printed commands, run by sh on
# the applied tree, restore what revert itself restored (the rm of a file
# apply created, echo and printf of every file), and run nothing else;
# apply's undo hint quotes the root too.
qroot="$tmp/a root \$(touch pwned) 'q'"
make_tree "$qroot"
cp -a "$qroot" "$tmp/qorig"
"$RTBPF" apply -P ultra --root "$qroot" --cpus 2-3 >"$tmp/qapply"
grep -qF "(undo: rtbpf revert --root '$tmp/a root \$(touch pwned) '\''q'\''')" "$tmp/qapply" ||
	fail "apply's undo hint: $(tail -n 1 "$tmp/qapply")"
cp -a "$qroot" "$tmp/qapplied"
"$RTBPF" revert -v --root "$qroot" >"$tmp/qrevert"
clean_text "$tmp/qrevert" "revert under a quoted root"
same_tree "$qroot" "$tmp/qorig" >/dev/null || fail "revert under '$qroot'"
for cmd in 'rm -f' echo printf; do
	grep -q "^+ $cmd " "$tmp/qrevert" || fail "revert printed no '$cmd' command"
done
rm -rf "$qroot" && cp -a "$tmp/qapplied" "$qroot"
# the commands, their continuation lines (printf of a whole file) too
sed -e 's/^+ //' -e '/^reverted: /d' "$tmp/qrevert" >"$tmp/qcmds"
(cd "$tmp" && sh "$tmp/qcmds") || fail "revert's commands do not run in sh"
[ ! -e "$tmp/pwned" ] || fail "revert's commands expanded \$(...) in the root path"
# (but THP's: a command writes the selected word, as the kernel takes it)
diff -r -x rtbpf -x transparent_hugepage "$qroot" "$tmp/qorig" >/dev/null ||
	fail "revert's commands restore other bytes than revert"

# an interface name (any byte but '/', ':' and blanks) in a namespace of
# the test's own: escaped in check, quoted in the ethtool command
if command -v ip >/dev/null && ip netns add "$ns" 2>/dev/null &&
	ip -n "$ns" link add "v${esc}]0;nic${bel}" numrxqueues 4 numtxqueues 4 \
		type veth peer name vb numrxqueues 4 numtxqueues 4 2>/dev/null; then
	printf 'stage.net = on\nnet.channels = 3\n' >"$tmp/n3.conf"
	expect_rc 3 ip netns exec "$ns" "$RTBPF" check -P "$tmp/n3.conf" \
		--root "$root" --cpus 2-3 --only net >"$tmp/net"
	clean_text "$tmp/net" "check (net)"
	grep -qF 'v\x1b]0;nic\x07 channels' "$tmp/net" || fail "net: $(cat -v "$tmp/net")"
	ip netns exec "$ns" "$RTBPF" apply --dry-run -P "$tmp/n3.conf" --root "$root" \
		--cpus 2-3 --only net >"$tmp/net"
	clean_text "$tmp/net" "apply --dry-run (net)"
	grep -qF "ethtool -L \"\$(printf 'v\\033]0;nic\\007')\" rx 3" "$tmp/net" ||
		fail "net dry run: $(cat -v "$tmp/net")"
else
	echo "note: no veth in a namespace here; interface names not checked"
fi
echo "tune escapes: ok"
