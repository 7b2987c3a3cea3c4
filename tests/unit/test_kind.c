// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The knob kinds table (user/tune/kind.h) and the journal formats: every
 * kind has its ops, one name and one letter; the file kinds read, write,
 * create and show a file of a fake root (a temp dir); the thread and NIC
 * kinds print the commands an operator would type; a record of format 1
 * and the same record of format 2 parse to the same knob, and what the
 * writer appends in either format parses back. No root, no thread or NIC
 * is touched: their writes are not called. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tune/fs.h"
#include "tune/journal.h"
#include "tune/kind.h"

static struct tune_cfg cfg = { .cmd = "test" };

static int setup(void **state)
{
	(void)state;
	snprintf(cfg.root, sizeof(cfg.root), "/tmp/rtbpf-kind.XXXXXX");
	return mkdtemp(cfg.root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cfg.root);
	return system(cmd) ? -1 : 0;
}

static void test_table(void **state)
{
	(void)state;
	assert_int_equal(knob_nkinds, 5);
	for (size_t i = 0; i < knob_nkinds; i++) {
		const struct knob_kind *k = knob_kinds[i];

		assert_true(k->name && k->letter && k->read && k->write &&
			    k->equal && k->shell && k->restore);
		assert_ptr_equal(knob_kind_by_name(k->name), k);
		assert_ptr_equal(knob_kind_by_letter(k->letter), k);
		/* a thread kind can tell the TID of its paths */
		assert_true(!(k->flags & KIND_THREAD) || k->path_tid);
	}
	assert_null(knob_kind_by_name("F"));
	assert_null(knob_kind_by_letter('X'));
	assert_int_equal(kind_sched.path_tid("tid:42"), 42);
	assert_int_equal(kind_sched.path_tid("tid:42x"), -1);
	assert_int_equal(kind_sched.path_tid("tid:0"), -1);
	assert_int_equal(kind_affinity.path_tid("/proc/5/task/7/affinity"), 7);
	assert_int_equal(kind_affinity.path_tid("/proc/5/task/7/stat"), -1);
}

/* k's value as read, in a new string. */
static char *readback(const struct knob *k)
{
	char *v = NULL;

	assert_int_equal(knob_read(&cfg, k, &v), 0);
	return v;
}

static void test_file(void **state)
{
	struct knob k = { &kind_file, "/swappiness", 0 };
	struct knob n = { &kind_created, "/new.conf", 0 };
	char *v, *cmd, want[PATH_MAX + 64];

	(void)state;
	assert_int_equal(knob_read(&cfg, &k, &v), -ENOENT);
	assert_null(v);
	assert_int_equal(kind_created.write(&cfg, &n, "a\nb\n", true), 0);
	v = readback(&n);
	assert_string_equal(v, "a\nb\n");
	free(v);
	assert_int_equal(kind_created.write(&cfg, &n, "c\n", true), -EEXIST);
	assert_int_equal(tune_create(&cfg, k.path, "60\n"), 0);
	assert_int_equal(kind_file.write(&cfg, &k, "1", false), 0);
	v = readback(&k);
	assert_true(kind_file.equal(&cfg, v, "1\n"));
	assert_false(kind_file.equal(&cfg, v, "60"));
	free(v);
	/* a plain file (not procfs/sysfs): revert puts its exact bytes back */
	assert_int_equal(kind_file.restore(&cfg, &k), RESTORE_EXACT);
	cmd = kind_file.shell(&cfg, &k, "1", false);
	snprintf(want, sizeof(want), "echo 1 > %s/swappiness", cfg.root);
	assert_string_equal(cmd, want);
	free(cmd);
	cmd = kind_created.shell(&cfg, &n, "x y", true);
	snprintf(want, sizeof(want), "printf '%%s' 'x y' > %s/new.conf",
		 cfg.root);
	assert_string_equal(cmd, want);
	free(cmd);
}

static void test_thread(void **state)
{
	struct tune_cfg host = { .cmd = "test" };
	struct knob s = { &kind_sched, "tid:42", 42 };
	struct knob a = { &kind_affinity, "/proc/40/task/42/affinity", 42 };
	char *cmd;

	(void)state;
	cmd = kind_sched.shell(&host, &s, "fifo:80@2-3", false);
	assert_string_equal(cmd, "taskset -pc 2-3 42 && chrt -f -p 80 42");
	free(cmd);
	cmd = kind_sched.shell(&host, &s, "other:-20@1", false);
	assert_string_equal(cmd, "taskset -pc 1 42 && chrt -o -p 0 42 && "
				 "renice -n -20 -p 42");
	free(cmd);
	assert_true(kind_sched.equal(&host, "fifo:80@2-3", "fifo:80@2,3"));
	assert_false(kind_sched.equal(&host, "fifo:80@2", "rr:80@2"));
	assert_non_null(kind_sched.near("fifo:80@2", "rr:80@2"));
	assert_null(kind_sched.near("fifo:80@2", "rr:70@2"));
	assert_int_equal(kind_sched.restore(&host, &s), RESTORE_AS_READ);
	/* affinity: a syscall on the host, the fixture's file under --root */
	cmd = kind_affinity.shell(&host, &a, "0-1", false);
	assert_string_equal(cmd, "taskset -pc 0-1 42");
	free(cmd);
	assert_true(kind_affinity.equal(&host, "0-1", "0,1"));
	assert_int_equal(kind_affinity.restore(&host, &a), RESTORE_AS_READ);
	assert_int_equal(kind_affinity.restore(&cfg, &a), RESTORE_EXACT);
	cmd = kind_affinity.shell(&cfg, &a, "0-1", false);
	assert_non_null(strstr(cmd, "echo 0-1 > "));
	free(cmd);
}

static void test_netdev(void **state)
{
	struct tune_cfg host = { .cmd = "test" };
	struct knob k = { &kind_netdev, "/sys/class/net/eth0/channels", 0 };
	char *cmd;

	(void)state;
	cmd = kind_netdev.shell(&host, &k, "rx 0 tx 0 combined 4", false);
	assert_string_equal(cmd, "ethtool -L eth0 rx 0 tx 0 combined 4");
	free(cmd);
	cmd = kind_netdev.shell(&host, &k, "rx 0; reboot", false);
	assert_int_equal(strncmp(cmd, "# bad value", 11), 0);
	free(cmd);
	assert_null(kind_netdev.refuse(&host));
	assert_int_equal(kind_netdev.restore(&host, &k), RESTORE_AS_READ);
}

/* A journal of that header and records (checksums added), parsed. */
static int parse(struct journal *j, const char *header, const char *const *rec,
		 size_t n)
{
	char buf[4096];
	size_t len, valid;

	memset(j, 0, sizeof(*j));
	j->fd = j->lock_fd = j->dir_fd = -1;
	snprintf(j->path, sizeof(j->path), "test");
	len = (size_t)snprintf(buf, sizeof(buf), "%s\n", header);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"%08x %s\n", jrec_checksum(rec[i]),
					rec[i]);
	return journal_parse(j, buf, len, &valid);
}

static void same_records(const struct journal *a, const struct journal *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct jrec *x = &a->r[i], *y = &b->r[i];

		assert_ptr_equal(x->kind, y->kind);
		assert_string_equal(x->stage, y->stage);
		assert_string_equal(x->path, y->path);
		assert_string_equal(x->old, y->old);
		assert_string_equal(x->restore, y->restore);
		assert_string_equal(x->new_, y->new_);
		assert_int_equal(x->tid, y->tid);
		assert_int_equal(x->has_start, y->has_start);
		assert_true(x->start == y->start);
	}
}

static const char *const v1[] = {
	"F sysctl =/proc/sys/vm/swappiness =60%0A =60 =1",
	"A threads =/proc/500/task/501/affinity =3%0A =3 =0-1 =100",
	"S process =tid:42 =other:0@0-3 =other:0@0-3 =fifo:80@2 =12345",
	"C limits =/etc/security/limits.d/99-rtbpf.conf = = =x%0A",
};
static const char *const v2[] = {
	"file sysctl =/proc/sys/vm/swappiness =60%0A =60 =1",
	"affinity threads =/proc/500/task/501/affinity =3%0A =3 =0-1 =501 =100",
	"sched process =tid:42 =other:0@0-3 =other:0@0-3 =fifo:80@2 =42 =12345",
	"created limits =/etc/security/limits.d/99-rtbpf.conf = = =x%0A",
};

static void test_formats(void **state)
{
	struct journal a, b;

	(void)state;
	assert_int_equal(parse(&a, "rtbpf-state 1", v1, 4), 0);
	assert_int_equal(a.version, 1);
	assert_int_equal(parse(&b, "rtbpf-state 2", v2, 4), 0);
	assert_int_equal(b.version, 2);
	same_records(&a, &b);
	assert_ptr_equal(a.r[1].kind, &kind_affinity);
	assert_int_equal(a.r[1].tid, 501);
	assert_int_equal(a.r[2].tid, 42);
	journal_close(&a);
	journal_close(&b);
	/* each format with the other's records, and an unknown one */
	assert_int_equal(parse(&a, "rtbpf-state 1", v2, 1), -EBADMSG);
	journal_close(&a);
	assert_int_equal(parse(&a, "rtbpf-state 2", v1, 1), -EBADMSG);
	journal_close(&a);
	assert_int_equal(parse(&a, "rtbpf-state 3", v2, 1), -EBADMSG);
	journal_close(&a);
	/* format 1: a thread record without its start time (older still) */
	assert_int_equal(
		parse(&a, "rtbpf-state 1",
		      (const char *const[]){ "S process =tid:7 =a =a =b" }, 1),
		0);
	assert_int_equal(a.r[0].tid, 7);
	assert_false(a.r[0].has_start);
	journal_close(&a);
}

/* journal_record appends in the journal's format what parses back. */
static void test_writer(void **state)
{
	struct journal src, dst, back;
	char path[PATH_MAX + 16], buf[4096];
	ssize_t n;
	size_t valid;

	(void)state;
	for (int version = 1; version <= 2; version++) {
		assert_int_equal(parse(&src, "rtbpf-state 2", v2, 4), 0);
		memset(&dst, 0, sizeof(dst));
		dst.lock_fd = dst.dir_fd = -1;
		dst.version = version;
		snprintf(path, sizeof(path), "%s/state%d", cfg.root, version);
		dst.fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		assert_true(dst.fd >= 0);
		n = snprintf(buf, sizeof(buf), "rtbpf-state %d\n", version);
		assert_int_equal(write(dst.fd, buf, (size_t)n), n);
		for (size_t i = 0; i < src.n; i++)
			assert_int_equal(journal_record(&dst, &src.r[i]), 0);
		n = pread(dst.fd, buf, sizeof(buf) - 1, 0);
		assert_true(n > 0);
		buf[n] = '\0';
		assert_non_null(strstr(buf, version == 1 ?
						    " A threads " :
						    " affinity threads "));
		memset(&back, 0, sizeof(back));
		back.fd = back.lock_fd = back.dir_fd = -1;
		assert_int_equal(journal_parse(&back, buf, (size_t)n, &valid),
				 0);
		assert_int_equal((size_t)n, valid);
		same_records(&src, &back);
		journal_close(&src);
		journal_close(&dst);
		journal_close(&back);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),	cmocka_unit_test(test_file),
		cmocka_unit_test(test_thread),	cmocka_unit_test(test_netdev),
		cmocka_unit_test(test_formats), cmocka_unit_test(test_writer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
