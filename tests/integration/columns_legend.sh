#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every column head of the monitor's text tables is explained: rtbpf
# monitor --help ends with the legend, printed from the same column tables
# the renderers print their heads from (tests/unit/test_render.c checks
# that every head line they print is one of those tables'), and each head
# of it is a row, `HEAD` in the first cell, of docs/monitor.md's Columns
# section (or named in its timer paragraph). No root; nothing is loaded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
doc=${RTBPF_TOP:-.}/docs/monitor.md
[ -f "$doc" ] || fail "no $doc"

"$RTBPF" monitor --help >"$T/help" || fail "monitor --help: exit $?"
sed -n '/^Columns of the text tables/,$p' "$T/help" >"$T/legend"
[ -s "$T/legend" ] || fail "monitor --help has no column legend"
# "  HEAD          text": the head in 13 columns after two blanks
awk '/^  [^ ]/ { h = substr($0, 3, 13); sub(/ +$/, "", h); print h }' \
	"$T/legend" | sort -u >"$T/heads"
n=$(wc -l <"$T/heads")
[ "$n" -ge 24 ] || fail "only $n column heads in the legend: $(cat "$T/legend")"
# the Columns section: from its heading to the next one
awk '/^### Columns/ { on = 1; next } on && /^##/ { exit } on' "$doc" >"$T/cols"
[ -s "$T/cols" ] || fail "$doc has no Columns section"
while read -r h; do
	grep -qF -- "\`$h\`" "$T/cols" || fail "column '$h' is not explained in $doc (Columns)"
done <"$T/heads"
ok "$n column heads, each in the --help legend and in docs/monitor.md"
# what the issue found misread, said where one looks
grep -qE '^  stol us/s .*not a$|hypervisor' "$T/legend" ||
	fail "the legend does not say stolen time is not a hypervisor's steal"
grep -qF 'samples' "$T/legend" || fail "the legend does not tell wakeups from samples"
readme=${RTBPF_TOP:-.}/README.md
for want in 'rtbpf monitor --help' 'monitor.md#columns'; do
	grep -qF "$want" "$readme" || fail "README.md does not point to the legend ($want)"
done
echo "columns legend: ok"
