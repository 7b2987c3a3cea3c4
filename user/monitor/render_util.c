// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "render_util.h"

#include <stdio.h>
#include <string.h>

#include "coll.h"
#include "sysinfo.h"
#include "tasklist.h"
#include "text.h"

void fmt_us(char *buf, size_t len, uint64_t ns, bool have)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (ns >= 100000000ULL) /* 0.1 s on: seconds, in 7 columns */
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else
		snprintf(buf, len, "%.1f", ns / 1e3);
}

void fmt_task(char *buf, size_t len, const struct task_entry *p, int width,
	      bool with_ns)
{
	char tail[40], name[TEXT_ESC_SIZE(16)];
	int room;

	if (!p) {
		snprintf(buf, len, "-");
		return;
	}
	if (!with_ns)
		snprintf(tail, sizeof(tail), "/%u", p->pid);
	else if (p->ns >= 1000000)
		snprintf(tail, sizeof(tail), "/%u %.1fms", p->pid, p->ns / 1e6);
	else
		snprintf(tail, sizeof(tail), "/%u %.0fus", p->pid, p->ns / 1e3);
	/* the pid and time whole; the name gets what is left, at least
	 * its mark */
	room = width - (int)strlen(tail);
	text_escape_fit(name, sizeof(name), p->comm, sizeof(p->comm),
			room > 1 ? (size_t)room : 1);
	snprintf(buf, len, "%s%s", name, tail);
}

void fmt_count(char *cell, uint64_t n)
{
	snprintf(cell, COL_CELL, "%llu", (unsigned long long)n);
}

void fmt_cpu(char *buf, size_t len, const struct coll_out *o, unsigned int cpu)
{
	snprintf(buf, len, "%u%s", cpu,
		 cpuset_has(&o->host->isolated, cpu) ? "*" : "");
}

void render_wrap(FILE *out, const char *text, unsigned int cols,
		 const char *indent, const char *sep)
{
	size_t at = 0, ind = strlen(indent), sl = strlen(sep);
	bool first = true;

	while (*text) {
		const char *e = strstr(text, sep);
		size_t w = e ? (size_t)(e - text) : strlen(text);

		if (!first && at > ind && at + sl + w > cols) {
			fprintf(out, "\n%s", indent);
			at = ind;
		} else if (!first) {
			fputs(sep, out);
			at += sl;
		}
		fwrite(text, 1, w, out);
		at += w;
		text += w + (e ? sl : 0);
		first = false;
	}
	fputc('\n', out);
}

unsigned int render_cols(const struct coll_out *o)
{
	unsigned int cols = o->cols ? o->cols : TEXT_COLS_DEFAULT;

	return cols > 1 ? cols - 1 : 1;
}

static int gap(const struct col_fit *f, unsigned int i, bool first)
{
	if (first)
		return 0;
	return f->col[i].gap ? f->col[i].gap : 1;
}

/* The width of the shown columns but the name's, gaps included. */
static int fixed_width(const struct col_fit *f)
{
	int w = 0;
	bool first = true;

	for (unsigned int i = 0; i < f->n; i++) {
		if (!f->shown[i])
			continue;
		w += gap(f, i, first) + f->col[i].width;
		first = false;
	}
	return w;
}

void col_fit(struct col_fit *f, const struct col *col, unsigned int n,
	     unsigned int cols)
{
	const struct col *name = NULL;

	f->col = col;
	f->n = n < COL_MAX ? n : COL_MAX;
	for (unsigned int i = 0; i < f->n; i++) {
		f->shown[i] = true;
		if (!col[i].width)
			name = &col[i];
	}
	for (;;) {
		int need = fixed_width(f) + (name ? name->name_min : 0);
		unsigned int worst = f->n;

		if (need <= (int)cols)
			break;
		for (unsigned int i = 0; i < f->n; i++)
			if (f->shown[i] && col[i].drop &&
			    (worst == f->n || col[i].drop > col[worst].drop))
				worst = i;
		if (worst == f->n)
			break; /* all that is left is needed */
		f->shown[worst] = false;
	}
	f->name_width = 0;
	if (name) {
		int rest = (int)cols - fixed_width(f);

		f->name_width = rest > name->name_min ? rest : name->name_min;
	}
}

static void cells(FILE *out, const struct col_fit *f, const char *const *cell)
{
	bool first = true;

	for (unsigned int i = 0; i < f->n; i++) {
		const struct col *c = &f->col[i];

		if (!f->shown[i])
			continue;
		fprintf(out, "%*s", gap(f, i, first), "");
		if (!c->width) /* the name: the rest of the line, unpadded */
			fputs(cell[i], out);
		else if (first)
			fprintf(out, "%-*s", c->width, cell[i]);
		else
			fprintf(out, "%*s", c->width, cell[i]);
		first = false;
	}
	fputc('\n', out);
}

void col_head(FILE *out, const struct col_fit *f)
{
	const char *head[COL_MAX];

	for (unsigned int i = 0; i < f->n; i++)
		head[i] = f->col[i].head;
	cells(out, f, head);
}

void col_row(FILE *out, const struct col_fit *f, char cell[][COL_CELL])
{
	const char *p[COL_MAX];

	for (unsigned int i = 0; i < f->n; i++)
		p[i] = cell[i];
	cells(out, f, p);
}

void render_fit(struct col_fit *f, const struct coll_out *o, unsigned int t)
{
	col_fit(f, render_tables[t].col, render_tables[t].n, render_cols(o));
}
