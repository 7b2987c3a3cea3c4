// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * check's output: the text table (grouped on big hosts, see report.h) and
 * the NDJSON records (docs/json.md). Names, values and notes hold what
 * others wrote (thread and IRQ names, interface names, file contents):
 * escaped for the terminal.
 */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "header.h"
#include "json.h"
#include "log.h"
#include "stage.h"
#include "sysinfo.h"
#include "text.h"

/* Where the name column ends: status, stage and name (28). */
#define NAME_END 43

const char *report_status_name(enum item_status st)
{
	static const char *const names[] = { "OK", "WARN", "FAIL", "SKIP",
					     "INFO" };

	return names[st];
}

static uint64_t key_hash(const struct tune_item *it)
{
	const char *f[] = { it->stage, it->group, it->want_show, it->note };
	uint64_t h = 14695981039346656037ull;

	h ^= (uint64_t)it->st << 1 | it->by_rtbpf;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		for (const char *p = f[i]; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ull;
		}
		h ^= 0xff; /* field separator */
		h *= 1099511628211ull;
	}
	return h;
}

static bool same_key(const struct tune_item *a, const struct tune_item *b)
{
	return a->st == b->st && a->by_rtbpf == b->by_rtbpf &&
	       !strcmp(a->stage, b->stage) && !strcmp(a->group, b->group) &&
	       !strcmp(a->want_show, b->want_show) && !strcmp(a->note, b->note);
}

/* The groups under REPORT_GROUP_MIN fall apart into single items. */
static void split_small(size_t n, size_t *lead, size_t *next,
			const size_t *count)
{
	for (size_t i = 0; i < n; i++) {
		size_t g = lead[i];

		if (count[g] >= REPORT_GROUP_MIN)
			continue;
		lead[i] = i;
		next[i] = SIZE_MAX;
	}
}

int report_group(const struct item_list *l, size_t *lead, size_t *next)
{
	size_t cap = 64, *tab, *tail, *count;
	int err = 0;

	while (cap < 2 * l->n)
		cap *= 2;
	tab = malloc(cap * sizeof(*tab));
	tail = calloc(l->n + 1, sizeof(*tail));
	count = calloc(l->n + 1, sizeof(*count));
	if (!tab || !tail || !count) {
		err = -ENOMEM;
		goto cleanup;
	}
	memset(tab, 0xff, cap * sizeof(*tab)); /* SIZE_MAX: free */
	for (size_t i = 0; i < l->n; i++) {
		const struct tune_item *it = &l->v[i];
		size_t h, g;

		lead[i] = i;
		next[i] = SIZE_MAX;
		count[i] = 1;
		if (!it->group[0])
			continue;
		h = key_hash(it) & (cap - 1);
		while (tab[h] != SIZE_MAX && !same_key(&l->v[tab[h]], it))
			h = (h + 1) & (cap - 1);
		if (tab[h] == SIZE_MAX) {
			tab[h] = tail[i] = i;
			continue;
		}
		g = tab[h];
		lead[i] = g;
		next[tail[g]] = i;
		tail[g] = i;
		count[g]++;
	}
	split_small(l->n, lead, next, count);
cleanup:
	free(tab);
	free(tail);
	free(count);
	return err;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

size_t report_ids(long *ids, size_t n, char *buf, size_t len)
{
	size_t off = 0, m = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	qsort(ids, n, sizeof(*ids), cmp_long);
	for (size_t i = 0; i < n; i++) /* distinct */
		if (!m || ids[i] != ids[m - 1])
			ids[m++] = ids[i];
	for (size_t i = 0, j; i < m; i = j + 1) {
		char run[72];
		long step;
		int k;

		j = num_run(ids, m, i, &step);
		k = snprintf(run, sizeof(run), "%s", off ? " " : "");
		k += num_run_format(ids, i, j, step, run + k, sizeof(run) - k);
		/* room for this run, and for " ..." if more follow */
		if (off + (size_t)k + (j + 1 < m ? 4 : 0) >= len) {
			if (off + 4 < len)
				off += (size_t)snprintf(buf + off, len - off,
							"%s...",
							off ? " " : "");
			break;
		}
		memcpy(buf + off, run, (size_t)k + 1);
		off += (size_t)k;
	}
	return off;
}

/* A value as the text report shows it, escaped: a CPU list compacted
 * ("1-63:2" for 1,3,...,63) unless verbose, which shows it as it is.
 * NULL: out of memory. */
static char *show_dup(const char *v, bool verbose)
{
	struct cpuset s;
	char err[64], *compact, *out;

	if (verbose || !strchr(v, ',') ||
	    parse_cpulist_text(v, &s, err, sizeof(err)))
		return text_escape_dup(v);
	compact = cpuset_str_compact(&s);
	if (!compact)
		return NULL;
	out = text_escape_dup(compact);
	free(compact);
	return out;
}

/* One status/stage/name/want/is line; a name past its column gets a line
 * of its own, so the want and is columns stay in place. */
static void print_row(const struct tune_item *it, const char *name,
		      const char *want, const char *actual)
{
	int col = printf("%-4s %-9s ", report_status_name(it->st), it->stage);

	if (col + (int)strlen(name) > NAME_END)
		printf("%s\n%*s", name, NAME_END, "");
	else
		printf("%-*s", NAME_END - col, name);
	printf(" want %-10s is %s%s\n", want, actual,
	       it->by_rtbpf ? " (set by rtbpf)" : "");
}

/* A group's line: the group label and its size as the name, "is" the
 * common value or "(varies)", then the numbers it covers. */
static int print_group(const struct item_list *l, size_t g, const size_t *next,
		       const char *want, const char *note)
{
	const struct tune_item *it = &l->v[g];
	bool same = true;
	size_t n = 0;
	long *ids;
	char name[64], list[72], *label;

	for (size_t i = g; i != SIZE_MAX; i = next[i]) {
		same = same && !strcmp(l->v[i].actual, it->actual);
		n++;
	}
	ids = malloc(n * sizeof(*ids));
	label = text_escape_dup(it->group);
	if (!ids || !label) {
		free(ids);
		free(label);
		return -ENOMEM;
	}
	n = 0;
	for (size_t i = g; i != SIZE_MAX; i = next[i])
		ids[n++] = l->v[i].gid;
	snprintf(name, sizeof(name), "%s (%zu)", label, n);
	free(label);
	report_ids(ids, n, list, sizeof(list) - 20);
	free(ids);
	if (same) {
		char *actual = show_dup(it->actual, false);

		if (!actual)
			return -ENOMEM;
		print_row(it, name, want, actual);
		free(actual);
	} else {
		print_row(it, name, want, "(varies)");
	}
	printf("     * = %s (-v lists each)\n", list);
	if (note[0])
		printf("     %s\n", note);
	return 0;
}

static int print_item(const struct tune_item *it, const char *want,
		      const char *note, bool verbose)
{
	char *name = text_escape_dup(it->name);
	char *actual = show_dup(it->actual, verbose);

	if (!name || !actual) {
		free(name);
		free(actual);
		return -ENOMEM;
	}
	if (it->st == ST_INFO) {
		printf("%-4s %-9s %s:\n     %s\n", report_status_name(it->st),
		       it->stage, name, *want ? want : note);
	} else {
		print_row(it, name, want, actual);
		if (note[0] &&
		    (it->st != ST_OK || verbose || (it->flags & IT_SHOW_NOTE)))
			printf("     %s\n", note);
		if (verbose && it->path[0])
			printf("     %s\n", it->path);
	}
	free(name);
	free(actual);
	return 0;
}

/* The item at i: a group's line at its first member, nothing at the
 * others, else the item's own. */
static int print_entry(const struct item_list *l, size_t i, const size_t *lead,
		       const size_t *next, bool verbose)
{
	const struct tune_item *it = &l->v[i];
	char *want, *note;
	int err;

	if (!verbose && lead[i] != i)
		return 0;
	want = show_dup(it->want_show, verbose);
	note = text_escape_dup(it->note);
	if (!want || !note)
		err = -ENOMEM;
	else if (!verbose && next[i] != SIZE_MAX)
		err = print_group(l, i, next, want, note);
	else
		err = print_item(it, want, note, verbose);
	free(want);
	free(note);
	return err;
}

/* The per-stage counts, a line each, before the items. */
static void print_stage_summary(const struct item_list *l)
{
	printf("%-10s %6s %6s %6s %6s\n", "stage", "ok", "warn", "fail",
	       "skip");
	for (size_t i = 0; i < l->n;) {
		unsigned int n[ST_INFO + 1] = { 0 };
		size_t j = i;

		while (j < l->n && !strcmp(l->v[j].stage, l->v[i].stage))
			n[l->v[j++].st]++;
		printf("%-10s %6u %6u %6u %6u\n", l->v[i].stage, n[ST_OK],
		       n[ST_WARN], n[ST_FAIL], n[ST_SKIP]);
		i = j;
	}
	printf("\n");
}

int report_table(const struct tune_cfg *c, const struct item_list *l,
		 const unsigned int *count, bool verbose)
{
	size_t *lead = malloc((l->n + 1) * sizeof(*lead));
	size_t *next = malloc((l->n + 1) * sizeof(*next));
	int err = lead && next ? report_group(l, lead, next) : -ENOMEM;

	if (!err)
		print_stage_summary(l);
	for (size_t i = 0; i < l->n && !err; i++)
		err = print_entry(l, i, lead, next, verbose);
	if (err)
		log_err("%s: out of memory", c->cmd);
	else
		printf("%u ok, %u warn, %u fail, %u skipped\n", count[ST_OK],
		       count[ST_WARN], count[ST_FAIL], count[ST_SKIP]);
	free(lead);
	free(next);
	return err;
}

void report_json(const struct tune_cfg *c, const struct item_list *l,
		 const unsigned int *count)
{
	struct host_info hi;
	struct json_w w;

	/* the kernel running; the isolated CPUs of the tree checked */
	sysinfo_load(&hi);
	if (tune_read_cpulist(c, "/sys/devices/system/cpu/isolated",
			      &hi.isolated))
		cpuset_zero(&hi.isolated);
	json_init(&w, stdout);
	json_header_begin(&w, "check", &hi);
	json_kv_str(&w, "root", c->root);
	json_kv_str(&w, "profile", c->prof.name);
	json_cpuset(&w, "cpus", &c->cpus);
	json_cpuset(&w, "housekeeping", &c->housekeeping);
	json_obj_end(&w);
	json_end_record(&w);
	for (size_t i = 0; i < l->n; i++) {
		const struct tune_item *it = &l->v[i];

		json_obj_begin(&w);
		json_kv_str(&w, "type", "item");
		json_kv_str(&w, "stage", it->stage);
		json_kv_str(&w, "item", it->name);
		json_kv_str(&w, "path", it->path);
		json_kv_str(&w, "expected", it->want_show);
		json_kv_str(&w, "actual", it->actual);
		json_kv_str(&w, "status", report_status_name(it->st));
		if (it->note[0])
			json_kv_str(&w, "note", it->note);
		if (it->by_rtbpf)
			json_kv_bool(&w, "set_by_rtbpf", true);
		json_obj_end(&w);
		json_end_record(&w);
	}
	json_obj_begin(&w);
	json_kv_str(&w, "type", "summary");
	json_kv_u64(&w, "ok", count[ST_OK]);
	json_kv_u64(&w, "warn", count[ST_WARN]);
	json_kv_u64(&w, "fail", count[ST_FAIL]);
	json_kv_u64(&w, "skip", count[ST_SKIP]);
	json_obj_end(&w);
	json_end_record(&w);
}
