#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The README's troubleshooting section cannot drift from the code: every
# message it quotes (a line "rtbpf: ..." in its code blocks) is still
# printed by user/ or xdp/. A message's fixed text is cut at ": ", "; "
# and what a format fills in (numbers, paths, errno texts, tracepoint
# names, the capabilities passed as an argument); each piece of two or
# more words must be in the sources (their adjacent string literals
# joined), every message must have one, and a word dropped as an
# argument must be in the sources too. Its claim that no program needs
# tracefs holds: every BPF program attaches through BTF (tp_btf) or is
# XDP. No root needed; nothing is built.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
python3 - "$RTBPF_TOP" <<'PY' || fail "README troubleshooting drifted from the code"
import errno, glob, os, re, sys

top = sys.argv[1]
readme = open(os.path.join(top, "README.md")).read()
m = re.search(r"^## Troubleshooting\n(.*?)^## ", readme, re.S | re.M)
if not m:
    sys.exit("README has no '## Troubleshooting' section")
section = m.group(1)
msgs = []
for block in re.findall(r"^```\n(.*?)^```", section, re.S | re.M):
    msgs += [l for l in block.splitlines() if l.startswith("rtbpf: ")]
if len(msgs) < 7:
    sys.exit("only %d messages quoted: %s" % (len(msgs), msgs))

src = ""
for f in glob.glob(os.path.join(top, "user/**/*.[ch]"), recursive=True) + \
        glob.glob(os.path.join(top, "xdp/*.[ch]")):
    src += open(f).read() + "\n"
# "abc "\n\t\t"def" as the compiler reads it: "abc def"
src = re.sub(r'"[ \t]*\n[ \t]*"', "", src)

errnos = sorted({os.strerror(e) for e in errno.errorcode}, key=len, reverse=True)
arg = re.compile(r"/\S+|\b\d+\b|\b[a-z]+_[a-z_]+\b|\b[A-Z][A-Z_]*\+[A-Z_+]+\b")
bad = []
for msg in msgs:
    text = re.sub(r"^rtbpf: (warning: )?", "", msg)
    for e in errnos:
        text = text.replace(e, "\x00")
    dropped = arg.findall(text)
    for word in dropped:
        if re.fullmatch(r"[A-Z_+]+", word) and word not in src:
            bad.append("%s: '%s' not in the sources" % (msg, word))
    pieces = re.split(r": |; |\x00", arg.sub("\x00", text))
    checked = 0
    for p in pieces:
        p = p.strip(" ,")
        if len(p.split()) < 2:
            continue
        checked += 1
        if p not in src:
            bad.append("%s: '%s' not in the sources" % (msg, p))
    if not checked:
        bad.append("%s: no piece of two words to check" % msg)

for f in glob.glob(os.path.join(top, "bpf/*.bpf.c")) + \
        glob.glob(os.path.join(top, "xdp/*.bpf.c")):
    for sec in re.findall(r'SEC\("([^"]*)"\)', open(f).read()):
        if not re.match(r"(tp_btf/|xdp|tc|license$|\.maps$)", sec):
            bad.append("%s: SEC(\"%s\") may need tracefs" % (f, sec))
for b in bad:
    print(b)
print("%d messages checked" % len(msgs))
sys.exit(1 if bad else 0)
PY
ok "every message the README's troubleshooting quotes is in the code; no program needs tracefs"
echo "readme troubleshoot: ok"
