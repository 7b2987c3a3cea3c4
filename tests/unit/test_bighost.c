// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hosts of any size: CPU lists of 1024 and 8192 CPUs formatted whole (the
 * monitor's header) or fitted to a display field without a cut number (its
 * live view), and /proc/interrupts of a 1024-CPU host (lines over 11 KiB)
 * read with every IRQ's name right. Expected text is built here by plain
 * loops, independent of the code under test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "affinity.h"
#include "interrupts.h"
#include "parse.h"

static char err[256];

/* "lo,lo+step,...": every CPU written out, the reference form. */
static char *singles(unsigned int lo, unsigned int hi, unsigned int step)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	for (unsigned int c = lo; c <= hi; c += step)
		fprintf(f, "%s%u", c == lo ? "" : ",", c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_list_1024(void **state)
{
	char *want = singles(1, 1023, 2), *got, small[1024];
	struct cpuset s, back;

	(void)state;
	assert_int_equal(parse_cpulist("1-1023:2", &s, err, sizeof(err)), 0);
	assert_int_equal(cpuset_count(&s), 512);
	got = cpuset_str(&s);
	assert_non_null(got);
	assert_string_equal(got, want); /* 1,3,...,153,155,...,1023 */
	assert_int_equal(cpuset_format_len(&s), strlen(want) + 1);
	assert_int_equal(parse_cpulist(got, &back, err, sizeof(err)), 0);
	assert_memory_equal(&s, &back, sizeof(s));
	/* too small: an error and an empty buffer, never a list cut short */
	memset(small, 'x', sizeof(small));
	assert_int_equal(cpuset_format(&s, small, sizeof(small)), -ERANGE);
	assert_string_equal(small, "");
	/* one byte short of the whole list */
	free(got);
	got = malloc(strlen(want));
	assert_non_null(got);
	assert_int_equal(cpuset_format(&s, got, strlen(want)), -ERANGE);
	assert_string_equal(got, "");
	free(got);
	free(want);
}

static void test_list_8192(void **state)
{
	char *want = singles(0, CPUSET_MAX - 2, 2), *got;
	struct cpuset s;

	(void)state;
	assert_int_equal(parse_cpulist("0-8190:2", &s, err, sizeof(err)), 0);
	assert_int_equal(cpuset_count(&s), CPUSET_MAX / 2);
	assert_int_equal(cpuset_last(&s), CPUSET_MAX - 2);
	got = cpuset_str(&s);
	assert_non_null(got);
	assert_true(strlen(got) > 16384);
	assert_string_equal(got, want);
	free(got);
	free(want);
	assert_int_equal(parse_cpulist("8191", &s, err, sizeof(err)), 0);
	assert_int_equal(cpuset_first_missing(&s, &(struct cpuset){ 0 }), 8191);
}

/* The live view's field: at most width columns, the head of the list and
 * " +N" where N is exactly the number of CPUs not shown. */
static void fit_ok(const struct cpuset *s, size_t width)
{
	char buf[128], head[128];
	unsigned int left = 0;
	struct cpuset shown;
	const char *plus;
	int n;

	n = cpuset_format_fit(s, buf, width + 1);
	assert_true(n >= 0 && (size_t)n == strlen(buf) && (size_t)n <= width);
	plus = strstr(buf, "+");
	snprintf(head, sizeof(head), "%.*s",
		 (int)(plus ? plus - buf : (long)strlen(buf)), buf);
	if (plus) {
		left = (unsigned int)strtoul(plus + 1, NULL, 10);
		if (plus > buf) {
			assert_int_equal(plus[-1], ' ');
			head[plus - buf - 1] = '\0';
		}
	}
	cpuset_zero(&shown);
	if (*head)
		assert_int_equal(parse_cpulist(head, &shown, err, sizeof(err)),
				 0);
	/* every CPU shown is in s, and shown + left covers s exactly */
	assert_true(cpuset_subset(&shown, s));
	assert_int_equal(cpuset_count(&shown) + left, cpuset_count(s));
}

static void test_fit(void **state)
{
	struct cpuset s;
	char buf[64];

	(void)state;
	assert_int_equal(parse_cpulist("1-1023:2", &s, err, sizeof(err)), 0);
	for (size_t w = 8; w <= 60; w++)
		fit_ok(&s, w);
	cpuset_format_fit(&s, buf, 21);
	assert_string_equal(buf, "1,3,5,7,9,11,13 +505");
	assert_int_equal(parse_cpulist("0-1023", &s, err, sizeof(err)), 0);
	cpuset_format_fit(&s, buf, 21);
	assert_string_equal(buf, "0-1023"); /* fits: the whole list */
	assert_int_equal(parse_cpulist("1000-1023,5", &s, err, sizeof(err)), 0);
	for (size_t w = 8; w <= 20; w++)
		fit_ok(&s, w);
	cpuset_format_fit(&s, buf, 9);
	assert_string_equal(buf, "5 +24"); /* "1000-1023" is not cut */
}

/* A 1024-CPU /proc/interrupts: the header, NIRQ numbered lines with every
 * count column, then the arch lines, as the kernel prints them. */
#define NCPU 1024
#define NIRQ 2000

static char *interrupts_text(size_t *len)
{
	char *buf = NULL, cpu[16];
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	fprintf(f, "     ");
	for (int c = 0; c < NCPU; c++) {
		snprintf(cpu, sizeof(cpu), "CPU%d", c);
		fprintf(f, " %10s", cpu);
	}
	fputc('\n', f);
	for (int i = 0; i < NIRQ; i++) {
		fprintf(f, "%4d:", i);
		for (int c = 0; c < NCPU; c++)
			fprintf(f, " %10u",
				(unsigned int)(c * 7919 + i) % 99991);
		if (i % 10 == 9)
			fprintf(f, "  IO-APIC %d-fasteoi   acpi, dev%d\n", i,
				i);
		else if (i % 10 == 8)
			fprintf(f, "  IR-PCI-MSI 65536-edge\n"); /* no name */
		else
			fprintf(f, "  IR-PCI-MSI %d-edge      dev%d-q%d\n",
				524288 + i, i, i % 64);
	}
	fprintf(f, "NMI:");
	for (int c = 0; c < NCPU; c++)
		fprintf(f, " %10u", 5u);
	fprintf(f, "   Non-maskable interrupts\nERR:          0\n");
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_interrupts(void **state)
{
	char **names = calloc(NIRQ, sizeof(*names)), want[64];
	size_t len;
	char *text = interrupts_text(&len);
	FILE *f = fmemopen(text, len, "r");

	(void)state;
	assert_non_null(names);
	assert_non_null(f);
	assert_true(len > (size_t)NIRQ * NCPU * 11);
	/* max below NIRQ: the IRQs past it are ignored, not an error */
	assert_int_equal(interrupts_read(f, names, NIRQ - 1), 0);
	fclose(f);
	for (int i = 0; i < NIRQ - 1; i++) {
		if (i % 10 == 9)
			snprintf(want, sizeof(want), "dev%d", i);
		else if (i % 10 == 8)
			snprintf(want, sizeof(want), "65536-edge");
		else
			snprintf(want, sizeof(want), "dev%d-q%d", i, i % 64);
		assert_non_null(names[i]);
		assert_string_equal(names[i], want);
		free(names[i]);
	}
	free(names);
	free(text);
}

static void test_interrupts_line(void **state)
{
	const char *name;
	unsigned int irq;
	size_t len;

	(void)state;
	assert_int_equal(interrupts_parse_line("           CPU0       CPU1\n",
					       &irq, &name, &len),
			 -EINVAL);
	assert_int_equal(interrupts_parse_line("NMI:  1 2  Non-maskable\n",
					       &irq, &name, &len),
			 -EINVAL);
	assert_int_equal(interrupts_parse_line("99999999999: 0 x\n", &irq,
					       &name, &len),
			 -EINVAL);
	assert_int_equal(interrupts_parse_line(" 24:  0  0  PCI-MSI  nvme0q0",
					       &irq, &name, &len),
			 0);
	assert_int_equal(irq, 24);
	assert_int_equal(len, 7);
	assert_memory_equal(name, "nvme0q0", 7);
	assert_int_equal(interrupts_parse_line("  7:\n", &irq, &name, &len), 0);
	assert_int_equal(irq, 7);
	assert_int_equal(len, 0);
}

/* The caller's own affinity read and written back through the
 * CPUSET_MAX-sized kernel mask (process-local, no privilege). */
static void test_affinity(void **state)
{
	struct cpuset a, b;

	(void)state;
	assert_int_equal(affinity_get(0, &a), 0);
	assert_true(cpuset_count(&a) > 0);
	assert_int_equal(affinity_set(0, &a), 0);
	assert_int_equal(affinity_get(0, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_1024),
		cmocka_unit_test(test_list_8192),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_interrupts_line),
		cmocka_unit_test(test_affinity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
