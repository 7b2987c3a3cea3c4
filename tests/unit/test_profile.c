// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Profile files: what loads, and what is refused with a message naming the
 * file (and line): directories, FIFOs and devices as profile or include,
 * long lines (a line with a CPU list of every CPU a host can have is
 * not one), NUL bytes, integers the kernel would read otherwise. Files
 * are written to a temp dir; nothing else is touched. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "tune/profile.h"

static char dir[64], msg[4096];
static struct profile prof;

static void put(const char *name, const char *text, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	/* whatever the umask: a group-writable profile is refused */
	assert_int_equal(chmod(path, 0644), 0);
}

/* profile_load of dir/name (or name itself when it starts with '/') with
 * stderr captured into msg; its return value. */
static const char *who; /* profile_load's: load() passes it on */

static int load(const char *name)
{
	char path[256], tmp[] = "/tmp/rtbpf-profile-err.XXXXXX";
	int fd = mkstemp(tmp), saved = dup(2), ret;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	unlink(tmp);
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	profile_free(&prof);
	fflush(stderr);
	dup2(fd, 2);
	alarm(5); /* a FIFO that blocks fails the test, not hangs it */
	ret = profile_load(&prof, "", path, who);
	alarm(0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, msg, sizeof(msg) - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

static void refused(const char *name, int want, const char *needle)
{
	int ret = load(name);

	if (ret != want || !strstr(msg, needle))
		fail_msg("%s: %d '%s', want %d '%s'", name, ret, msg, want,
			 needle);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/rtbpf-profile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	profile_free(&prof);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static void test_good(void **state)
{
	static const char text[] = "# site profile\n"
				   "include = ultra\n"
				   "sysctl.vm.swappiness = 0\n"
				   "sysctl.kernel.sched_rt_runtime_us = -1\n"
				   "  memory.thp = madvise   # comment\n"
				   "process.priority = 99\n";

	(void)state;
	put("good.conf", text, sizeof(text) - 1);
	assert_int_equal(load("good.conf"), 0);
	assert_string_equal(profile_get(&prof, "sysctl.vm.swappiness"), "0");
	assert_string_equal(
		profile_get(&prof, "sysctl.kernel.sched_rt_runtime_us"), "-1");
	assert_string_equal(profile_get(&prof, "memory.thp"), "madvise");
	assert_string_equal(profile_get(&prof, "process.priority"), "99");
	/* from the include */
	assert_string_equal(profile_get(&prof, "power.governor"),
			    "performance");
}

static void test_not_a_file(void **state)
{
	char path[128], text[160];

	(void)state;
	refused("/etc/", -EINVAL, "profile /etc/: a directory");
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	refused("sub", -EINVAL, "sub: a directory, not a profile file");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	refused("fifo", -EINVAL, "fifo: a FIFO");
	refused("/dev/null", -EINVAL, "/dev/null: a character device");
	/* as an include: named, not read as an empty profile */
	snprintf(text, sizeof(text), "include = ultra\ninclude = %s/sub\n",
		 dir);
	put("incdir.conf", text, strlen(text));
	refused("incdir.conf", -EINVAL, "sub: a directory");
	snprintf(text, sizeof(text), "include = %s/fifo\n", dir);
	put("incfifo.conf", text, strlen(text));
	refused("incfifo.conf", -EINVAL, "fifo: a FIFO");
	refused("nosuch", -ENOENT, "unknown profile");
}

/* A profile someone else could have written is refused before it is
 * read (apply runs as root), as an include too; root's or the caller's
 * 0644 one loads. */
static void test_trust(void **state)
{
	char path[128], text[160];

	(void)state;
	put("mine.conf", "include = ultra\n", 16);
	assert_int_equal(load("mine.conf"), 0);
	snprintf(path, sizeof(path), "%s/mine.conf", dir);
	assert_int_equal(chmod(path, 0664), 0);
	refused("mine.conf", -EPERM, "writable by group or others");
	assert_int_equal(chmod(path, 0646), 0);
	refused("mine.conf", -EPERM, "mode 0646");
	snprintf(text, sizeof(text), "include = %s\n", path);
	put("inc.conf", text, strlen(text));
	refused("inc.conf", -EPERM, "mine.conf: writable by group");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(load("inc.conf"), 0);
	/* its directory writable by others: the file could be replaced;
	 * sticky (as /tmp) it could not */
	assert_int_equal(chmod(dir, 0777), 0);
	refused("mine.conf", -EPERM, "may be written by another user");
	assert_int_equal(chmod(dir, 01777), 0);
	assert_int_equal(load("mine.conf"), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		refused("mine.conf", -EPERM, "owned by another user");
	}
}

/* Under a root: NAME.conf that is a directory is refused, not skipped for
 * a file NAME beside it. */
static void test_root_lookup(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/etc/rtbpf/profiles.d/site.conf'", dir);
	assert_int_equal(system(cmd), 0);
	put("etc/rtbpf/profiles.d/site", "include = ultra\n", 16);
	profile_free(&prof);
	assert_int_equal(profile_load(&prof, dir, "site", NULL), -EINVAL);
}

/* A loop of includes is named as one, a chain too deep as such, the same
 * profile twice (no loop) loads; every message after who. */
static void test_includes(void **state)
{
	char text[512], want[1024];

	(void)state;
	snprintf(text, sizeof(text), "include = %s/b.conf\n", dir);
	put("a.conf", text, strlen(text));
	snprintf(text, sizeof(text), "include = ultra\ninclude = %s/a.conf\n",
		 dir);
	put("b.conf", text, strlen(text));
	snprintf(want, sizeof(want),
		 "include loop: %s/a.conf -> %s/b.conf -> %s/a.conf", dir, dir,
		 dir);
	refused("a.conf", -ELOOP, want);
	snprintf(text, sizeof(text), "include = %s/self.conf\n", dir);
	put("self.conf", text, strlen(text));
	snprintf(want, sizeof(want),
		 "include loop: %s/self.conf -> %s/self.conf", dir, dir);
	refused("self.conf", -ELOOP, want);
	for (int i = 1; i <= 6; i++) {
		char name[32];

		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "include = %s/d%d.conf\n", dir,
			 i + 1);
		put(name, text, strlen(text));
	}
	put("d7.conf", "include = ultra\n", 16);
	refused("d1.conf", -ELOOP, "includes nested more than 4 deep");
	snprintf(text, sizeof(text), "include = %s/d5.conf\n", dir);
	put("d4.conf", text, strlen(text));
	assert_int_equal(load("d4.conf"), 0); /* d4 d5 d6 d7 ultra */
	put("twice.conf", "include = ultra\ninclude = ultra\n", 32);
	assert_int_equal(load("twice.conf"), 0);
	who = "check: --profile";
	refused("a.conf", -ELOOP, "rtbpf: check: --profile: include loop: ");
	refused("nosuch", -ENOENT, "rtbpf: check: --profile: unknown profile");
	who = NULL;
}

/* A mistyped profile name: the built-in or file meant. */
static void test_suggest(void **state)
{
	char near[64], cmd[256];

	(void)state;
	profile_suggest("", "ultr", near, sizeof(near));
	assert_string_equal(near, "ultra");
	profile_suggest("", "low-latncy", near, sizeof(near));
	assert_string_equal(near, "low-latency");
	profile_suggest("", "xyzzy", near, sizeof(near));
	assert_string_equal(near, "");
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/etc/rtbpf/profiles.d'", dir);
	assert_int_equal(system(cmd), 0);
	put("etc/rtbpf/profiles.d/desk.conf", "include = ultra\n", 16);
	profile_suggest(dir, "dsek", near, sizeof(near));
	assert_string_equal(near, "desk");
}

/* The longest CPU list of CPUs below CPUSET_MAX ("0-1,3-4,...,8188-8189,
 * 8191") into a new string. */
static char *worst_list(void)
{
	struct cpuset s;
	char *list;

	cpuset_zero(&s);
	for (unsigned int cpu = 0; cpu < CPUSET_MAX; cpu++)
		if (cpu % 3 != 2)
			cpuset_add(&s, cpu);
	list = cpuset_str(&s);
	assert_non_null(list);
	return list;
}

static void test_long_line(void **state)
{
	size_t big = PROFILE_LINE_MAX + 64;
	char *text = malloc(big), *list = worst_list();
	int n;

	(void)state;
	assert_non_null(text);
	/* a CPU list of every CPU a host can have, worst form: whole */
	assert_true(strlen(list) < TUNE_LIST_MAX);
	n = snprintf(text, big,
		     "include = ultra\nsysctl.kernel.watchdog_cpumask = %s\n",
		     list);
	put("list.conf", text, (size_t)n);
	assert_int_equal(load("list.conf"), 0);
	assert_string_equal(
		profile_get(&prof, "sysctl.kernel.watchdog_cpumask"), list);
	/* PROFILE_LINE_MAX - 1 bytes: the longest line there is room for,
	 * loaded whole */
	n = snprintf(text, big, "include = ultra\n%*s\n", PROFILE_LINE_MAX - 1,
		     "memory.thp = madvise");
	put("lmax.conf", text, (size_t)n);
	assert_int_equal(load("lmax.conf"), 0);
	assert_string_equal(profile_get(&prof, "memory.thp"), "madvise");
	/* one more: refused naming file, line and limit, not cut (it would
	 * read as a blank line and leave memory.thp to the include) */
	n = snprintf(text, big, "include = ultra\n%*s\n", PROFILE_LINE_MAX,
		     "memory.thp = madvise");
	put("lover.conf", text, (size_t)n);
	snprintf(text, big, "lover.conf:2: line longer than %d bytes",
		 PROFILE_LINE_MAX - 1);
	refused("lover.conf", -EINVAL, text);
	/* and past the whole-file limit, in short lines */
	free(text);
	big = PROFILE_FILE_MAX;
	text = malloc(big);
	assert_non_null(text);
	memset(text, '#', big);
	for (size_t i = 79; i < big; i += 80)
		text[i] = '\n';
	put("big.conf", text, big);
	refused("big.conf", -EFBIG, "larger than");
	put("big.conf", text, big - 1); /* the largest file that loads */
	assert_int_equal(load("big.conf"), 0);
	free(text);
	free(list);
}

static void test_nul(void **state)
{
	static const char text[] = "include = ultra\n"
				   "sysctl.vm.swappiness = 1\0\n"
				   "memory.thp = always\n";

	(void)state;
	put("nul.conf", text, sizeof(text) - 1);
	refused("nul.conf", -EINVAL, "nul.conf:2: a NUL byte");
	put("nul0.conf", "\0", 1);
	refused("nul0.conf", -EINVAL, "nul0.conf:1: a NUL byte");
}

static void test_integers(void **state)
{
	static const struct {
		const char *v, *why;
	} bad[] = {
		{ "010", "no leading zero" },
		{ "00", "no leading zero" },
		{ "-01", "no leading zero" },
		{ "+10", "no '+' sign" },
		{ "-0", "write 0" },
		{ "0x10", "expected an integer" },
		{ "1_0", "expected an integer" },
		{ "10a", "expected an integer" },
		{ "201", "expected an integer in [0, 200]" },
		{ "99999999999999999999", "expected an integer" },
		{ "-", "expected an integer" },
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "include = ultra\nsysctl.vm.swappiness = %s\n",
			 bad[i].v);
		put("int.conf", text, strlen(text));
		refused("int.conf", -EINVAL, bad[i].why);
		assert_non_null(strstr(msg, "int.conf:2:"));
	}
	/* KEY_INT_OR_ENUM alike */
	snprintf(text, sizeof(text), "net.channels = 08\n");
	put("ch.conf", text, strlen(text));
	refused("ch.conf", -EINVAL, "no leading zero");
	snprintf(text, sizeof(text), "net.channels = 8\n");
	put("ch.conf", text, strlen(text));
	assert_int_equal(load("ch.conf"), 0);
	snprintf(text, sizeof(text), "sysctl.vm.swappiness = 0\n");
	put("zero.conf", text, strlen(text));
	assert_int_equal(load("zero.conf"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_root_lookup),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_integers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
