// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* run --user lookups against a fake root's etc/passwd and etc/group. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "account.h"
#include "tmp_root.h"

static char root[] = "/tmp/rtbpf-account.XXXXXX";

static void put(const char *name, const char *text)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "etc/%s", name);
	tmp_root_put(root, rel, text);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	put("passwd", "root:x:0:0:root:/root:/bin/sh\n"
		      "svc:x:1001:1001:Service:/srv/svc:/bin/false\n"
		      "nohome:x:1002:100::::\n"
		      "svc2:x:1003:1001:x:/home/svc2:/bin/sh\n");
	put("group", "root:x:0:\n"
		     "users:x:100:svc,nohome\n"
		     "svc:x:1001:\n"
		     "rt:x:1500:other,svc\n"
		     "trading:x:2000:svc2\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmp_root_rm(root);
}

static void group_list(const struct account *a, char *out, size_t len)
{
	size_t off = 0;

	/* groups[0] is the primary group; the rest in file order */
	for (size_t i = 0; i < a->ngroups; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%u",
					i ? "," : "",
					(unsigned int)a->groups[i]);
}

static void test_user(void **state)
{
	struct account a;
	char err[256], g[128];

	(void)state;
	assert_int_equal(account_lookup(&a, "svc", root, err, sizeof(err)), 0);
	assert_int_equal(a.uid, 1001);
	assert_int_equal(a.gid, 1001);
	assert_string_equal(a.name, "svc");
	assert_string_equal(a.home, "/srv/svc");
	group_list(&a, g, sizeof(g));
	assert_string_equal(g, "1001,100,1500");
	account_fini(&a);

	/* by uid; an empty home is "/" */
	assert_int_equal(account_lookup(&a, "1002", root, err, sizeof(err)), 0);
	assert_string_equal(a.name, "nohome");
	assert_string_equal(a.home, "/");
	group_list(&a, g, sizeof(g));
	assert_string_equal(g, "100");
	account_fini(&a);
}

static void test_group(void **state)
{
	struct account a;
	char err[256], g[128];

	(void)state;
	/* a named group becomes the primary one, listed once */
	assert_int_equal(
		account_lookup(&a, "svc:users", root, err, sizeof(err)), 0);
	assert_int_equal(a.gid, 100);
	group_list(&a, g, sizeof(g));
	assert_string_equal(g, "100,1500");
	account_fini(&a);
	/* a numeric GID needs no entry */
	assert_int_equal(
		account_lookup(&a, "svc2:4242", root, err, sizeof(err)), 0);
	assert_int_equal(a.gid, 4242);
	group_list(&a, g, sizeof(g));
	assert_string_equal(g, "4242,2000");
	account_fini(&a);
}

static void test_bad(void **state)
{
	static const struct {
		const char *spec;
		int ret;
		const char *msg;
	} cases[] = {
		{ "nosuch", -ENOENT, "no user 'nosuch'" },
		{ "9999", -ENOENT, "no user '9999'" },
		{ "svc:nosuch", -ENOENT, "no group 'nosuch'" },
		{ "", -EINVAL, "expected USER" },
		{ ":", -EINVAL, "expected USER" },
		{ "svc:", -EINVAL, "expected USER" },
		{ ":users", -EINVAL, "expected USER" },
		{ "svc:99999999999", -ENOENT, "no group" },
	};
	struct account a;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(account_lookup(&a, cases[i].spec, root, err,
						sizeof(err)),
				 cases[i].ret);
		assert_non_null(strstr(err, cases[i].msg));
		assert_null(a.name);
	}
	/* no passwd file: the error names it */
	assert_int_equal(account_lookup(&a, "svc", "/nonexistent-root", err,
					sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent-root/etc/passwd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
