// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "coll_util.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/sched_abi.h"
#include "log.h"
#include "tasklist.h"
#include "testhook.h"

int coll_load(struct bpf_object_skeleton *s, const char *what)
{
	int err = bpf_object__load_skeleton(s);

	if (err)
		log_err("%s: load BPF programs: %s%s", what, strerror(-err),
			log_bpf_hint(err));
	return err;
}

int coll_attach(struct bpf_object_skeleton *s, const char *what)
{
	int err = bpf_object__attach_skeleton(s);

	if (err) {
		log_err("%s: attach tracepoints: %s%s", what, strerror(-err),
			log_bpf_hint(err));
		return err;
	}
	for (int i = 0; i < s->prog_cnt; i++) {
		const struct bpf_program *p = *s->progs[i].prog;

		if (*s->progs[i].link)
			log_info("%s: %s attached to %s", what,
				 bpf_program__name(p),
				 bpf_program__section_name(p));
	}
	return 0;
}

int coll_tab_to_list(const struct task_tab *t, uint32_t cpu, struct tasklist *l)
{
	for (int i = 0; i < TASK_TAB_SLOTS; i++) {
		const struct task_acc *e = &t->e[i];
		struct task_entry te = { .cpu = cpu };

		if (!e->pid)
			continue;
		te.pid = e->vpid;
		te.kpid = e->pid;
		te.ns = e->ns;
		te.count = e->count;
		memcpy(te.comm, e->comm, sizeof(te.comm));
		te.comm[sizeof(te.comm) - 1] = '\0';
		if (tasklist_add(l, &te))
			return -ENOMEM;
	}
	return 0;
}

/* RTBPF_HIDE_TP=a,b makes tracepoints look missing (tests). */
bool coll_tp_exists(const struct btf *btf, const char *tp)
{
	const char *hide = test_getenv("RTBPF_HIDE_TP");
	char name[96];

	if (hide) {
		size_t n = strlen(tp);

		for (const char *p = hide; (p = strstr(p, tp)); p += n)
			if ((p == hide || p[-1] == ',') &&
			    (p[n] == ',' || !p[n]))
				return false;
	}
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
}
