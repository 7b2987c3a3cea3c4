#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# check readable on a big host (issue 24): on the fake root the issue
# names (64 CPUs, 500 IRQs, 430 threads, tests/tools/bighost) check's
# table is a summary line per stage, then many items of one sort and
# result as one line ("irq * (383)") with the numbers it covers; it stays
# short, and every count in it matches the JSON's one record per knob:
# the stage table, the group sizes, the numbers listed. -v lists one row
# per knob, as many as the JSON has. apply prints the first commands of
# each sort and one line for the rest (revert too); -v prints every one.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
need_bighost
fixture_root
"$gen" "$root" 64 500 430 || fail "bighost generator"
args=(-P ultra --root "$root" --cpus 1-63:2)

expect_rc 3 "$RTBPF" check "${args[@]}" >"$tmp/text"
expect_rc 3 "$RTBPF" check -v "${args[@]}" >"$tmp/verbose"
expect_rc 3 "$RTBPF" check --json "${args[@]}" >"$tmp/json"
lines=$(wc -l <"$tmp/text")
[ "$lines" -lt 150 ] || fail "check: $lines lines on 64 CPUs, 500 IRQs"

python3 - "$tmp/text" "$tmp/verbose" "$tmp/json" <<'PY' || fail "counts"
import collections, json, re, sys

text = open(sys.argv[1]).read().splitlines()
verbose = open(sys.argv[2]).read().splitlines()
recs = [json.loads(x) for x in open(sys.argv[3])]
items = [r for r in recs if r["type"] == "item"]
bad = []
want = collections.Counter((r["stage"], r["status"]) for r in items
                      if r["status"] != "INFO")
status = {"OK": "ok", "WARN": "warn", "FAIL": "fail", "SKIP": "skip"}

# the stage table first: "stage ok warn fail skip", a line per stage
assert text[0].split() == ["stage", "ok", "warn", "fail", "skip"], text[0]
i = 1
while text[i].strip():
    f = text[i].split()
    for st, n in zip(["OK", "WARN", "FAIL", "SKIP"], map(int, f[1:])):
        if want[(f[0], st)] != n:
            bad.append("stage line %s %s: %d, JSON %d" % (f[0], st, n, want[(f[0], st)]))
    i += 1

# rows (a long name on a line of its own, its values on the next)
row = re.compile(r"^(OK|WARN|FAIL|SKIP) +(\S+) +(.*?)(?: +want .*)?$")
got = collections.Counter()
groups = 0
for n, line in enumerate(text):
    m = row.match(line)
    if not m:
        continue
    st, stage, name = m.groups()
    g = re.fullmatch(r"(.*) \((\d+)\)", name)
    if not g:
        got[(stage, st)] += 1
        continue
    groups += 1
    pattern, size = g.group(1), int(g.group(2))
    got[(stage, st)] += size
    ids = next(x for x in text[n + 1:n + 3] if x.startswith("     * = "))
    names = {r["item"] for r in items if r["stage"] == stage and r["status"] == st}
    # a thread's name follows its TID ("tid *": "tid 501 app")
    tail = pattern.endswith(" *")
    for tok in ids[9:].replace(" (-v lists each)", "").split():
        if tok == "...":
            continue
        lo, _, hi = tok.partition("-")
        hi, _, step = hi.partition(":")  # "9-21:4": a stride
        for k in range(int(lo), int(hi or lo) + 1, int(step or 1)):
            probe = pattern.replace("*", str(k))
            if probe not in names and not (
                    tail and any(x.startswith(probe + " ") for x in names)):
                bad.append("%s %s: %s listed, no such %s item" % (stage, st, probe, st))
if got != want:
    bad.append("rows %s != JSON %s" % (dict(got - want), dict(want - got)))
if groups < 5:
    bad.append("only %d groups" % groups)
rows = sum(1 for x in verbose if re.match(r"^(OK|WARN|FAIL|SKIP|INFO) ", x))
if rows != len(items):
    bad.append("-v: %d rows, JSON %d items" % (rows, len(items)))
for b in bad[:20]:
    print(b)
sys.exit(1 if bad else 0)
PY
# apply: the first commands of each sort, then one line for the rest of
# it; the commands shown and the counts announced add up to the changes
cp -a "$root" "$tmp/orig"
"$RTBPF" apply -v "${args[@]}" --dry-run >"$tmp/dry-v"
"$RTBPF" apply "${args[@]}" >"$tmp/apply"
alines=$(wc -l <"$tmp/apply")
[ "$alines" -lt 150 ] || fail "apply: $alines lines"
changes=$(sed -n 's/^applied \([0-9]*\) changes.*/\1/p' "$tmp/apply")
shown=$(grep -c '^+ ' "$tmp/apply")
more=$(awk '/^# [0-9]+ more of / { n += $2 } END { print n + 0 }' "$tmp/apply")
[ $((shown + more)) = "$changes" ] || fail "apply: $shown shown + $more announced != $changes"
[ "$(grep -c '^echo \|^printf ' "$tmp/dry-v")" = "$changes" ] || fail "apply -v: not one command per change"
"$RTBPF" revert --root "$root" >"$tmp/revert"
same_tree "$root" "$tmp/orig" || fail "revert"
rlines=$(wc -l <"$tmp/revert")
[ "$rlines" -lt 150 ] || fail "revert: $rlines lines"
shown=$(grep -c '^+ ' "$tmp/revert")
more=$(awk '/^# [0-9]+ more of / { n += $2 } END { print n + 0 }' "$tmp/revert")
grep -qx "reverted: $((shown + more)) restored, $changes recorded; state file removed" "$tmp/revert" ||
	fail "revert: $shown shown + $more announced: $(tail -n 1 "$tmp/revert")"
echo "tune group: ok (check $lines lines, apply $alines and revert $rlines lines for $changes changes)"
