// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bighost ROOT NCPUS NIRQS NTHREADS: grows a fake root made by make_tree
 * (tests/integration/tune_fixture.bash) into a big host, in the formats a
 * stock kernel uses, fast (a bash loop would take minutes):
 *  - CPUs: possible/online 0-(NCPUS-1); per CPU the files the power and
 *    sysctl stages read (cpufreq governor, PM QoS, EPB, cpuidle states,
 *    machinecheck, fair_server), a cpufreq policy every 4th CPU;
 *  - IRQs: /proc/irq/N/{smp_affinity,smp_affinity_list,
 *    effective_affinity_list} for N = 100.., masks as the kernel prints
 *    them for nr_cpu_ids = NCPUS (comma-separated 32-bit hex words, every
 *    word zero-padded); /proc/interrupts with NCPUS count columns and the
 *    name "bigdevN-qK" per IRQ; default_smp_affinity all CPUs;
 *  - threads: processes of 4 threads from pid 10000 on, each
 *    /proc/PID/task/TID/{stat,status,affinity} (and the leader's in
 *    /proc/PID), a mix of user threads and kthreads, allowed on all CPUs,
 *    on the first half, on one latency CPU or per-CPU (PF_NO_SETAFFINITY).
 * Affinities follow a fixed pattern (by index) so a test can recompute
 * them; ROOT/bighost.txt lists "irq N MASKLIST" and "task PID TID FLAGS
 * LIST" lines as ground truth for the test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PF_USER 4194560UL /* 0x00400100 */
#define PF_KTHREAD 2129984UL /* 0x00208040 */
#define PF_PERCPU 69238848UL /* 0x04208040: | PF_NO_SETAFFINITY */

static const char *root;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "bighost: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* mkdir -p of ROOT/rel */
static void mkdirs(const char *rel)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			die("mkdir", p);
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		die("mkdir", p);
}

/* ROOT/dir/name = text + "\n" */
static void put(const char *dir, const char *name, const char *text)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s/%s", root, dir, name);
	f = fopen(p, "w");
	if (!f)
		die("create", p);
	if (fprintf(f, "%s\n", text) < 0 || fclose(f))
		die("write", p);
}

/* the kernel's cpumask text of [lo, hi] (step) for nr_cpu_ids = ncpus */
static void mask_text(char *out, int ncpus, int lo, int hi, int step)
{
	int words = (ncpus + 31) / 32;
	size_t off = 0;

	for (int w = words - 1; w >= 0; w--) {
		unsigned int v = 0;

		for (int b = 0; b < 32; b++) {
			int c = w * 32 + b;

			if (c >= lo && c <= hi && (c - lo) % step == 0)
				v |= 1u << b;
		}
		off += (size_t)sprintf(out + off, "%s%08x",
				       w == words - 1 ? "" : ",", v);
	}
}

/* the kernel's list text of [lo, hi] (step) */
static void list_text(char *out, int lo, int hi, int step)
{
	size_t off = 0;

	if (step == 1) {
		if (lo == hi)
			sprintf(out, "%d", lo);
		else
			sprintf(out, "%d-%d", lo, hi);
		return;
	}
	out[0] = '\0';
	for (int c = lo; c <= hi; c += step)
		off += (size_t)sprintf(out + off, "%s%d", off ? "," : "", c);
}

static void cpus(int n)
{
	char d[256], v[64];

	snprintf(v, sizeof(v), "0-%d", n - 1);
	put("/sys/devices/system/cpu", "possible", v);
	put("/sys/devices/system/cpu", "online", v);
	put("/proc/sys/kernel", "watchdog_cpumask", v);
	for (int c = 0; c < n; c++) {
		snprintf(d, sizeof(d), "/sys/devices/system/cpu/cpu%d", c);
		mkdirs(d);
		snprintf(d, sizeof(d), "/sys/devices/system/cpu/cpu%d/cpufreq",
			 c);
		mkdirs(d);
		put(d, "scaling_governor", "powersave");
		snprintf(d, sizeof(d), "/sys/devices/system/cpu/cpu%d/power",
			 c);
		mkdirs(d);
		put(d, "pm_qos_resume_latency_us", "0");
		put(d, "energy_perf_bias", "6");
		for (int s = 0; s < 4; s++) {
			snprintf(
				d, sizeof(d),
				"/sys/devices/system/cpu/cpu%d/cpuidle/state%d",
				c, s);
			mkdirs(d);
			put(d, "disable", "0");
		}
		snprintf(d, sizeof(d),
			 "/sys/devices/system/machinecheck/machinecheck%d", c);
		mkdirs(d);
		put(d, "ignore_ce", "0");
		snprintf(d, sizeof(d),
			 "/sys/kernel/debug/sched/fair_server/cpu%d", c);
		mkdirs(d);
		put(d, "runtime", "50000000");
		if (c % 4 == 0) {
			snprintf(d, sizeof(d),
				 "/sys/devices/system/cpu/cpufreq/policy%d", c);
			mkdirs(d);
			put(d, "boost", "0");
		}
	}
}

/* IRQ k's affinity: all CPUs, the first half, one CPU, or every 3rd. */
static void irq_aff(int k, int ncpus, int *lo, int *hi, int *step)
{
	*step = 1;
	switch (k % 4) {
	case 0:
		*lo = 0, *hi = ncpus - 1;
		break;
	case 1:
		*lo = 0, *hi = ncpus / 2 - 1;
		break;
	case 2:
		*lo = *hi = (k * 7) % ncpus;
		break;
	default:
		*lo = 1, *hi = ncpus - 1, *step = 3;
		break;
	}
}

static void irqs(int ncpus, int n, FILE *truth)
{
	size_t cap = (size_t)ncpus * 12 + 256;
	char *mask = malloc(cap), *list = malloc(cap * 2), d[128], p[4096];
	FILE *pi;

	if (!mask || !list)
		die("malloc", "");
	mask_text(mask, ncpus, 0, ncpus - 1, 1);
	put("/proc/irq", "default_smp_affinity", mask);
	snprintf(p, sizeof(p), "%s/proc/interrupts", root);
	pi = fopen(p, "w");
	if (!pi)
		die("create", p);
	fprintf(pi, "     ");
	for (int c = 0; c < ncpus; c++) {
		snprintf(d, sizeof(d), "CPU%d", c);
		fprintf(pi, " %10s", d);
	}
	fprintf(pi, "\n");
	for (int k = 0; k < n; k++) {
		int irq = 100 + k, lo, hi, step;

		irq_aff(k, ncpus, &lo, &hi, &step);
		snprintf(d, sizeof(d), "/proc/irq/%d", irq);
		mkdirs(d);
		mask_text(mask, ncpus, lo, hi, step);
		put(d, "smp_affinity", mask);
		list_text(list, lo, hi, step);
		put(d, "smp_affinity_list", list);
		snprintf(p, sizeof(p), "%d", lo);
		put(d, "effective_affinity_list", p);
		fprintf(truth, "irq %d %s\n", irq, list);
		fprintf(pi, "%4d:", irq);
		for (int c = 0; c < ncpus; c++)
			fprintf(pi, " %10u",
				(unsigned int)(c * 31 + k) % 100000);
		fprintf(pi, "  IR-PCI-MSI %d-edge      bigdev%d-q%d\n",
			524288 + k, k / 8, k % 8);
	}
	if (fclose(pi))
		die("write", p);
	free(mask);
	free(list);
}

/* thread i: flags and allowed CPUs */
static void task_aff(int i, int ncpus, unsigned long *flags, int *lo, int *hi,
		     int *step)
{
	*step = 1;
	*lo = 0, *hi = ncpus - 1;
	*flags = i % 5 == 4 ? PF_KTHREAD : PF_USER;
	switch (i % 8) {
	case 1:
		*hi = ncpus / 2 - 1;
		break;
	case 2: /* pinned to a latency (odd) CPU */
		*lo = *hi = (2 * i + 1) % ncpus;
		break;
	case 3: /* per-CPU kthread that cannot move */
		*flags = PF_PERCPU;
		*lo = *hi = i % ncpus;
		break;
	case 5:
		*lo = 1, *step = 2; /* only latency CPUs */
		break;
	default:
		break;
	}
}

static void threads(int ncpus, int n, FILE *truth)
{
	char *list = malloc((size_t)ncpus * 6 + 64), *buf;
	char d[256], p[4096];

	buf = malloc((size_t)ncpus * 6 + 1024);
	if (!list || !buf)
		die("malloc", "");
	for (int i = 0; i < n; i++) {
		int pid = 10000 + (i / 4) * 4, tid = 10000 + i, lo, hi, step;
		unsigned long flags;

		task_aff(i, ncpus, &flags, &lo, &hi, &step);
		list_text(list, lo, hi, step);
		snprintf(d, sizeof(d), "/proc/%d/task/%d", pid, tid);
		mkdirs(d);
		snprintf(buf, (size_t)ncpus * 6 + 1024,
			 "%d (big-%d) S 1 %d %d 0 -1 %lu 0 0 0 0 0 0 0 0 20 0 "
			 "1 0 100 0 0 18446744073709551615 0 0 0 0 0 0 0 "
			 "2147483647 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
			 tid, i, pid, pid, flags);
		put(d, "stat", buf);
		if (pid == tid) {
			snprintf(p, sizeof(p), "/proc/%d", pid);
			put(p, "stat", buf);
		}
		snprintf(buf, (size_t)ncpus * 6 + 1024,
			 "Name:\tbig-%d\nTgid:\t%d\nPid:\t%d\n"
			 "Cpus_allowed_list:\t%s\nVmLck:\t0 kB",
			 i, pid, tid, list);
		put(d, "status", buf);
		if (pid == tid) {
			snprintf(p, sizeof(p), "/proc/%d", pid);
			put(p, "status", buf);
		}
		put(d, "affinity", list);
		fprintf(truth, "task %d %d %lu %s\n", pid, tid, flags, list);
	}
	free(list);
	free(buf);
}

int main(int argc, char **argv)
{
	char p[4096];
	FILE *truth;

	if (argc != 5) {
		fprintf(stderr, "usage: bighost ROOT NCPUS NIRQS NTHREADS\n");
		return 2;
	}
	root = argv[1];
	snprintf(p, sizeof(p), "%s/bighost.txt", root);
	truth = fopen(p, "w");
	if (!truth)
		die("create", p);
	cpus(atoi(argv[2]));
	irqs(atoi(argv[2]), atoi(argv[3]), truth);
	threads(atoi(argv[2]), atoi(argv[4]), truth);
	if (fclose(truth))
		die("write", p);
	return 0;
}
