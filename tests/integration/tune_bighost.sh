#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# apply / check / revert on a fake root the size of a big host: 1024 CPUs,
# 2000 IRQs (1024-column /proc/interrupts), 10000 threads, made by
# tests/tools/bighost on top of make_tree (tune_hugehost.sh runs this with
# RTBPF_BIGHOST="NCPUS NIRQS NTHREADS": 4096 CPUs). The latency CPUs
# 1-(NCPUS-1):2 make every list long when written out (NCPUS/2 single
# CPUs: ~2 KB at 1024, ~10 KB at 4096), so a fixed-size buffer anywhere
# cuts it. Each value apply writes is parsed
# back here (python, independent of rtbpf's parser) and compared with the
# CPU set it must hold, computed from the original tree: the systemd
# drop-in, irqbalance's banned list, every smp_affinity mask, the
# workqueue masks, watchdog_cpumask, every thread's affinity; check's JSON
# must name all 2000 IRQs and give the full lists in the kernel command
# line advice; revert restores the tree byte for byte. The tree lives on
# tmpfs when /dev/shm is one (apply fsyncs every write: 30 s on disk).
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
# shellcheck source=tests/integration/tune_fixture.bash
. "$RTBPF_TOP/tests/integration/tune_fixture.bash"
need_bighost
base=/tmp
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && base=/dev/shm
tmp=$(mktemp -d "$base/rtbpf-bighost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
read -r NCPUS NIRQS NTHREADS <<<"${RTBPF_BIGHOST:-1024 2000 10000}"
LAT=1-$((NCPUS - 1)):2

make_tree "$root"
"$gen" "$root" "$NCPUS" "$NIRQS" "$NTHREADS" || fail "bighost generator"
cp -a "$root" "$tmp/orig"

expect_rc 3 "$RTBPF" check -P ultra --root "$root" --cpus "$LAT" --json >"$tmp/before.json"
"$RTBPF" apply -P ultra --root "$root" --cpus "$LAT" >"$tmp/apply.out" 2>"$tmp/apply.err" ||
	fail "apply: $(tail -n 3 "$tmp/apply.err")"
grep -q '^applied [0-9]* changes' "$tmp/apply.out" || fail "apply: $(tail -n 1 "$tmp/apply.out")"
rc=0
"$RTBPF" check -P ultra --root "$root" --cpus "$LAT" --json >"$tmp/after.json" || rc=$?

python3 - "$root" "$tmp/orig" "$tmp/after.json" "$NCPUS" "$NIRQS" "$NTHREADS" <<'EOF' || fail "written lists"
import functools, json, os, re, sys

root, orig, after = sys.argv[1:4]
ncpus, nirqs, nthreads = map(int, sys.argv[4:7])
LAT = frozenset(range(1, ncpus, 2))
HK = frozenset(range(0, ncpus, 2))
bad = []


@functools.lru_cache(maxsize=None)
def plist(s):
    """A kernel CPU list ("0-3,8,10-14:2") as a set; junk (a list cut
    after a comma) holds CPU -1, so it never matches."""
    out = set()
    s = s.strip()
    if not s:
        return frozenset()
    for part in s.split(","):
        m = re.fullmatch(r"(\d+)(?:-(\d+)(?::(\d+))?)?", part)
        if not m:
            return frozenset([-1])
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        out |= set(range(lo, hi + 1, int(m.group(3) or 1)))
    return frozenset(out)


@functools.lru_cache(maxsize=None)
def pmask(s):
    """A kernel cpumask ("ff,00000001") as a set (junk: CPU -1)."""
    if not re.fullmatch(r"[0-9a-f]+(,[0-9a-f]+)*", s.strip()):
        return frozenset([-1])
    v = int(s.strip().replace(",", ""), 16)
    return frozenset(b for b in range(v.bit_length()) if v >> b & 1)


def read(p):
    with open(p) as f:
        return f.read()


def check(what, got, want):
    if got != want:
        miss, extra = sorted(want - got), sorted(got - want)
        bad.append("%s: %d CPUs, want %d; missing %s extra %s" %
                   (what, len(got), len(want), miss[:6], extra[:6]))


def keyval(text, key):
    vals = [l.split("=", 1)[1] for l in text.splitlines() if l.startswith(key + "=")]
    if len(vals) != 1:
        bad.append("%s: %d lines" % (key, len(vals)))
        return ""
    return vals[0].strip("\"'")


# config files
check("systemd CPUAffinity", plist(keyval(read(root + "/etc/systemd/system.conf.d/99-rtbpf.conf"), "CPUAffinity")), HK)
check("IRQBALANCE_BANNED_CPULIST", plist(keyval(read(root + "/etc/default/irqbalance"), "IRQBALANCE_BANNED_CPULIST")), LAT)
check("watchdog_cpumask", plist(read(root + "/proc/sys/kernel/watchdog_cpumask")), HK)
for wq in ("/sys/devices/virtual/workqueue/cpumask", "/sys/bus/workqueue/devices/writeback/cpumask"):
    check(wq, pmask(read(root + wq)), HK)

# every IRQ: what it had, kept where it was on housekeeping CPUs
nirq = 0
for d in os.listdir(orig + "/proc/irq"):
    p = "/proc/irq/%s/smp_affinity" % d
    if not d.isdigit() or not os.path.exists(orig + p):
        continue
    nirq += 1
    want = (pmask(read(orig + p)) & HK) or HK
    check("irq " + d, pmask(read(root + p)), want)
check("default_smp_affinity", pmask(read(root + "/proc/irq/default_smp_affinity")), HK)
if nirq < nirqs:
    bad.append("only %d IRQs in the tree" % nirq)

# every thread: moved off the latency CPUs unless it cannot move
nthr = 0
for pid in os.listdir(orig + "/proc"):
    if not pid.isdigit() or not os.path.isdir(orig + "/proc/%s/task" % pid):
        continue
    for tid in os.listdir(orig + "/proc/%s/task" % pid):
        t = "/proc/%s/task/%s/" % (pid, tid)
        stat = read(orig + t + "stat")
        flags = int(stat[stat.rindex(")") + 2:].split()[6])
        allowed = plist(read(orig + t + "affinity"))
        nthr += 1
        if flags & 0x04000000 or (flags & 0x00200000 and len(allowed) == 1) or not allowed & LAT:
            want = allowed
        else:
            want = (allowed & HK) or HK
        check("thread " + t, plist(read(root + t + "affinity")), want)

# check's JSON: the header, every IRQ named, full lists everywhere
items = []
with open(after) as f:
    recs = [json.loads(l) for l in f]
hdr = recs[0]
check("json header cpus", frozenset(hdr["cpus"]), LAT)
check("json header housekeeping", frozenset(hdr["housekeeping"]), HK)
named = set()
for r in recs:
    if r.get("type") != "item":
        continue
    m = re.fullmatch(r"irq (\d+)", r["item"])
    if m:
        if r["path"] != "/proc/irq/%s/smp_affinity" % m.group(1):
            bad.append("item %s has path %s" % (r["item"], r["path"]))
        named.add(int(m.group(1)))
        check(r["item"] + " expected", plist(r["expected"]), HK)
    if r["item"] in ("isolcpus", "nohz_full", "rcu_nocbs"):
        check("boot " + r["item"] + " expected", plist(r["expected"]), LAT)
    if r["item"] == "irqaffinity":
        check("boot irqaffinity expected", plist(r["expected"]), HK)
    if r["item"] == "cmdline fragment":
        # the note before, the expected value since: the longer one
        text = max(r["expected"], r.get("note", ""), key=len)
        frag = dict(w.split("=", 1) for w in text.split() if "=" in w)
        check("fragment isolcpus", plist(frag.get("isolcpus", "x").replace("managed_irq,domain,", "")), LAT)
        check("fragment nohz_full", plist(frag.get("nohz_full", "x")), LAT)
        check("fragment rcu_nocbs", plist(frag.get("rcu_nocbs", "x")), LAT)
        check("fragment irqaffinity", plist(frag.get("irqaffinity", "x")), HK)
    if r["item"] == "manager CPUAffinity":
        check("systemd expected", plist(r["expected"]), HK)
    if r["item"] == "irqbalance banned CPUs":
        check("irqbalance expected", plist(r["expected"]), LAT)
gen = set(range(100, 100 + nirqs))
if not gen <= named:
    bad.append("check names %d of the %d IRQs" % (len(gen & named), nirqs))
if nthr < nthreads:
    bad.append("only %d threads in the tree" % nthr)
print("checked %d IRQs, %d threads" % (nirq, nthr))
for b in bad[:20]:
    print("FAIL:", b, file=sys.stderr)
if bad:
    print("FAIL: %d lists wrong" % len(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
[ "$rc" -eq 0 ] || fail "check after apply exited $rc: $(grep -c '"FAIL"' "$tmp/after.json") FAIL items"

"$RTBPF" revert --root "$root" >"$tmp/revert.out" 2>&1 || fail "revert: $(tail -n 3 "$tmp/revert.out")"
same_tree "$root" "$tmp/orig" >/dev/null || fail "tree differs after revert"
# A profile's CPU list as long as the host makes it (beyond the 63 bytes a
# profile value once held, and the 255-byte line and 4 KiB value limits
# after), written whole.
wd=$(seq -s, 0 2 $((NCPUS - 2)))
printf 'include = ultra\nsysctl.kernel.watchdog_cpumask = %s\n' "$wd" >"$tmp/big.conf"
"$RTBPF" apply -P "$tmp/big.conf" --root "$root" --cpus "$LAT" --only sysctl >"$tmp/apply2.out" 2>&1 ||
	fail "apply with a ${#wd}-byte CPU list in the profile: $(tail -n 2 "$tmp/apply2.out")"
[ "$(val "$root/proc/sys/kernel/watchdog_cpumask")" = "$wd" ] ||
	fail "watchdog_cpumask: $(val "$root/proc/sys/kernel/watchdog_cpumask")"
"$RTBPF" revert --root "$root" >/dev/null 2>&1 || fail "revert after the profile list"
cmp -s "$root/proc/sys/kernel/watchdog_cpumask" "$tmp/orig/proc/sys/kernel/watchdog_cpumask" ||
	fail "watchdog_cpumask not restored"
echo "ok: $NCPUS CPUs, $NIRQS IRQs, $NTHREADS threads: every written list complete, revert exact"
