// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Profiles: "key = value" lines, '#' comments, "include = NAME" pulls in
 * another profile whose keys the later lines override. The built-in
 * profiles are written in the same syntax and go through the same parser,
 * so a file and a built-in are validated alike. "keep" leaves a knob alone.
 * A profile file is a regular file of text, read line by line: a directory,
 * FIFO or device (as profile or include), a NUL byte, a line of
 * PROFILE_LINE_MAX bytes or more (room for a CPU list of every CPU a host
 * can have) or a file of PROFILE_FILE_MAX is refused with file and line,
 * never read as less.
 */
#define _GNU_SOURCE
#include "tune.h"
#include "fs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "log.h"

/* Who loads the profile now ("check: --profile"): every message names it.
 * Per thread: the monitor's drift check loads in its own. */
static _Thread_local const char *load_who;

__attribute__((format(printf, 1, 2))) static void perr(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (load_who)
		log_err("%s: %s", load_who, msg);
	else
		log_err("%s", msg);
}

/* The chain of includes being loaded, innermost first: a profile met
 * again on it is a loop. key: the built-in's name or the file's path. */
struct incl {
	const char *name, *key;
	const struct incl *up;
	int depth;
};

static int key_index(const char *name)
{
	for (size_t i = 0; i < profile_nkeys; i++)
		if (!strcmp(profile_keys[i].name, name))
			return (int)i;
	return -1;
}

static bool in_choices(const char *choices, const char *v)
{
	size_t n = strlen(v);

	while (choices && *choices) {
		const char *end = strchrnul(choices, '|');

		if ((size_t)(end - choices) == n && !strncmp(choices, v, n))
			return true;
		choices = *end ? end + 1 : end;
	}
	return false;
}

/*
 * Plain decimal only, -?(0|[1-9][0-9]*): the kernel parses sysctl integers
 * with base 0, so "010" would be 8 there (and check would fail forever),
 * and a '+' or "-0" passes here but not as the same text there. NULL when
 * v has that form, else a hint.
 */
static const char *int_form(const char *v)
{
	const char *d = v + (*v == '-');

	if (*v == '+')
		return "no '+' sign: write the number alone";
	if (!isdigit((unsigned char)*d))
		return "";
	for (const char *p = d; *p; p++)
		if (!isdigit((unsigned char)*p))
			return "";
	if (d[0] == '0' && d[1])
		return "no leading zero (to the kernel, 010 is octal 8)";
	if (d[0] == '0' && d != v)
		return "write 0, not -0";
	return NULL;
}

static bool valid_int(const char *v, long long min, long long max)
{
	char *end;
	long long x;

	if (int_form(v))
		return false;
	errno = 0;
	x = strtoll(v, &end, 10);
	return !*end && !errno && x >= min && x <= max;
}

/* NULL when fine, else why not. */
static const char *check_value(const struct profile_key *k, const char *v,
			       char *why, size_t len)
{
	const char *hint;
	struct cpuset s;
	char err[128];

	if (!strcmp(v, "keep"))
		return NULL;
	switch (k->type) {
	case KEY_INT:
		if (valid_int(v, k->min, k->max))
			return NULL;
		hint = int_form(v);
		snprintf(why, len,
			 "expected an integer in [%lld, %lld] or keep%s%s",
			 k->min, k->max, hint && *hint ? "; " : "",
			 hint ? hint : "");
		return why;
	case KEY_ENUM:
		if (in_choices(k->choices, v))
			return NULL;
		snprintf(why, len, "expected one of %s or keep", k->choices);
		return why;
	case KEY_INT_OR_ENUM:
		if (in_choices(k->choices, v) || valid_int(v, k->min, k->max))
			return NULL;
		hint = int_form(v);
		snprintf(why, len,
			 "expected %s or an integer in [%lld, %lld]%s%s",
			 k->choices, k->min, k->max, hint && *hint ? "; " : "",
			 hint ? hint : "");
		return why;
	case KEY_CPUS:
		if (!strcmp(v, "@housekeeping") || !strcmp(v, "@latency") ||
		    !parse_cpulist(v, &s, err, sizeof(err)))
			return NULL;
		snprintf(why, len,
			 "expected @housekeeping, @latency or a CPU "
			 "list");
		return why;
	}
	return "unknown key type";
}

static int load_any(struct profile *p, const char *root, const char *name,
		    const struct incl *up);

/* The key an unknown one was likely meant as: the key it is the end of
 * ("vm.swappiness": "sysctl.vm.swappiness"), else the nearest in
 * spelling; NULL when none is near. */
static const char *key_hint(const char *k)
{
	const char *names[128];
	size_t n = strlen(k);

	for (size_t i = 0; i < profile_nkeys; i++) {
		const char *name = profile_keys[i].name;
		size_t len = strlen(name);

		if (len > n && name[len - n - 1] == '.' &&
		    !strcmp(name + len - n, k))
			return name;
		names[i] = name;
	}
	return cli_suggest(k, names, profile_nkeys);
}

/* One line (no newline), cut in place. */
static int parse_line(struct profile *p, const char *root, const char *src,
		      int lineno, char *buf, const struct incl *up)
{
	char *k, *v, *eq, *e, why[160];
	int ki;

	if ((e = strchr(buf, '#')))
		*e = '\0';
	k = buf;
	while (isspace((unsigned char)*k))
		k++;
	if (!*k)
		return 0;
	eq = strchr(k, '=');
	if (!eq) {
		perr("profile %s:%d: expected 'key = value'", src, lineno);
		return -EINVAL;
	}
	v = eq + 1;
	for (e = eq; e > k && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	while (isspace((unsigned char)*v))
		v++;
	for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (!strcmp(k, "include"))
		return load_any(p, root, v, up);
	ki = key_index(k);
	if (ki < 0) {
		const char *near = key_hint(k);

		perr("profile %s:%d: unknown key '%s'%s%s%s", src, lineno, k,
		     near ? " (did you mean " : "", near ? near : "",
		     near ? "?)" : "");
		return -EINVAL;
	}
	if (check_value(&profile_keys[ki], v, why, sizeof(why))) {
		perr("profile %s:%d: %s = '%s': %s", src, lineno, k, v, why);
		return -EINVAL;
	}
	free(p->val[ki]);
	p->val[ki] = strdup(v);
	if (!p->val[ki]) {
		perr("profile %s:%d: %s: out of memory", src, lineno, k);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Every line of f, read with getline: a NUL byte (text after it would be
 * ignored), a line of PROFILE_LINE_MAX bytes or more, or more than
 * PROFILE_FILE_MAX - 1 bytes in all are refused, naming file and line,
 * never read as less.
 */
static int parse_stream(struct profile *p, const char *root, const char *src,
			FILE *f, const struct incl *up)
{
	char *line = NULL;
	size_t cap = 0, total = 0;
	int lineno = 0, err = 0;
	ssize_t n;

	errno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *nul = memchr(line, '\0', (size_t)n);

		lineno++;
		total += (size_t)n;
		if (total >= PROFILE_FILE_MAX) {
			perr("profile %s: larger than %d bytes", src,
			     PROFILE_FILE_MAX - 1);
			err = -EFBIG;
			goto cleanup;
		}
		if (nul) {
			perr("profile %s:%d: a NUL byte (offset %zu); a "
			     "profile is text",
			     src, lineno,
			     total - (size_t)n + (size_t)(nul - line));
			err = -EINVAL;
			goto cleanup;
		}
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n >= PROFILE_LINE_MAX) {
			perr("profile %s:%d: line longer than %d bytes", src,
			     lineno, PROFILE_LINE_MAX - 1);
			err = -EINVAL;
			goto cleanup;
		}
		err = parse_line(p, root, src, lineno, line, up);
		if (err)
			goto cleanup;
		errno = 0;
	}
	if (ferror(f)) {
		err = errno ? -errno : -EIO;
		perr("profile %s: read: %s", src, strerror(-err));
	}
cleanup:
	free(line);
	return err;
}

/*
 * Every directory from / down to the one holding the file open as fd (its
 * canonical path) is owned by root or the caller and writable by no one
 * else, unless sticky (/tmp): else another user could have put another
 * file under that name. 0, or -EPERM logged naming path and directory.
 */
static int dirs_trusted(int fd, const char *path)
{
	char self[64], *real, *slash;
	struct stat st;
	int err = 0;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	real = realpath(self, NULL);
	if (!real)
		return 0; /* no /proc (a chroot): the file's own check stands */
	while ((slash = strrchr(real, '/')) && !err) {
		slash[slash == real] = '\0'; /* "/a/b" -> "/a", "/a" -> "/" */
		if (stat(real, &st))
			break;
		if ((st.st_uid && st.st_uid != geteuid()) ||
		    ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))) {
			perr("profile %s: directory %s (uid %u, mode %04o) "
			     "may be written by another user; refused: a "
			     "profile's directories must be owned by root "
			     "or you and writable by no one else",
			     path, real, (unsigned int)st.st_uid,
			     (unsigned int)(st.st_mode & 07777));
			err = -EPERM;
		}
		if (!strcmp(real, "/"))
			break;
	}
	free(real);
	return err;
}

/*
 * Opens a profile file for reading; -ENOENT when there is none, else 0 or
 * -errno logged naming path: -EINVAL for a directory, FIFO, device or
 * socket; -EPERM for a file owned by someone but root and the caller, or
 * writable by group or others (apply runs as root: like the journal and
 * run's preload, what it acts on only root may have written).
 * The kind is checked on an O_PATH descriptor before the file is opened
 * for reading, so a device is never opened (a watchdog would start) and a
 * FIFO never blocks, also when path is swapped meanwhile.
 */
static int open_profile(const char *path, int *fd_out)
{
	char self[64];
	struct stat st;
	int fd, err;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			perr("profile %s: open: %s", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		perr("profile %s: stat: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		perr("profile %s: %s, not a profile file", path,
		     tune_type_name(st.st_mode));
		close(fd);
		return -EINVAL;
	}
	/* what root applies only root (or the caller) may have written */
	if ((st.st_uid && st.st_uid != geteuid()) || st.st_mode & 022) {
		perr("profile %s: %s (uid %u, mode %04o); refused: a profile "
		     "must be owned by root or you and writable by no one "
		     "else",
		     path,
		     st.st_mode & 022 ? "writable by group or others" :
					"owned by another user",
		     (unsigned int)st.st_uid,
		     (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	err = dirs_trusted(fd, path);
	if (err) {
		close(fd);
		return err;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	*fd_out = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*fd_out < 0 && errno == ENOENT) {
		struct stat again;

		/* no /proc (a chroot): the path again, and the same file */
		*fd_out = open(path,
			       O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (*fd_out >= 0 &&
		    (fstat(*fd_out, &again) || again.st_ino != st.st_ino ||
		     again.st_dev != st.st_dev)) {
			close(*fd_out);
			*fd_out = -1;
			errno = ESTALE;
		}
	}
	err = *fd_out < 0 ? -errno : 0;
	if (err)
		perr("profile %s: open: %s", path, strerror(-err));
	close(fd);
	return err;
}

/* The built-in profile me names, parsed: 0 or -errno. */
static int load_builtin(struct profile *p, const char *root, size_t i,
			const struct incl *me)
{
	const char *text = profile_builtins[i].text;
	FILE *f;
	int err;

	f = fmemopen((void *)text, strlen(text), "r");
	if (!f) {
		err = -errno;
		perr("profile %s: %s", me->name, strerror(-err));
		return err;
	}
	err = parse_stream(p, root, me->name, f, me);
	fclose(f);
	return err;
}

/* The profile file of name (a path, NAME[.conf] in the profile directory,
 * or else NAME in the current directory) opened into *fd, its path in
 * path; 0 or -errno logged (up: who includes it). */
static int find_profile(const char *root, const char *name, char *path, int *fd,
			const struct incl *up)
{
	char near[128];
	int err;

	if (strchr(name, '/')) {
		snprintf(path, PATH_MAX, "%s", name);
		err = open_profile(path, fd);
	} else {
		snprintf(path, PATH_MAX, "%s%s/%s.conf", root, TUNE_PROFILE_DIR,
			 name);
		err = open_profile(path, fd);
		if (err == -ENOENT) {
			snprintf(path, PATH_MAX, "%s%s/%s", root,
				 TUNE_PROFILE_DIR, name);
			err = open_profile(path, fd);
		}
	}
	/* "-P my.conf": no profile of that name, the file here */
	if (err == -ENOENT && !strchr(name, '/') && !access(name, F_OK)) {
		snprintf(path, PATH_MAX, "%s", name);
		err = open_profile(path, fd);
	}
	if (err != -ENOENT)
		return err;
	profile_suggest(root, name, near, sizeof(near));
	perr("unknown profile '%s'%s%s%s%s%s (built-in: ultra, low-latency; "
	     "files: %s%s/NAME.conf or a path; 'rtbpf profile list' lists "
	     "them)",
	     name, up ? ", included by " : "", up ? up->name : "",
	     *near ? "; did you mean " : "", near, *near ? "?" : "", root,
	     TUNE_PROFILE_DIR);
	return err;
}

/* Whether me is already on the chain of includes (said as "include
 * loop: a -> b -> a"). */
static bool include_loop(const struct incl *me)
{
	const struct incl *at[8], *u = me->up;
	char chain[1024] = "";
	size_t n = 0, off = 0;

	while (u && strcmp(u->key, me->key))
		u = u->up;
	if (!u)
		return false;
	for (u = me; u && n < 8; u = u->up)
		at[n++] = u;
	while (n-- && off < sizeof(chain))
		off += (size_t)snprintf(chain + off, sizeof(chain) - off,
					"%s%s", off ? " -> " : "", at[n]->name);
	perr("include loop: %s", chain);
	return true;
}

/* A file's size and kind checked, parsed: 0 or -errno logged. */
static int load_file(struct profile *p, const char *root, int fd,
		     const struct incl *me)
{
	struct stat st;
	FILE *f;
	int err;

	/* too large: refused before a line is read (parse_stream counts
	 * again, for a file that grows meanwhile) */
	if (fstat(fd, &st)) {
		err = -errno;
		perr("profile %s: stat: %s", me->key, strerror(-err));
		close(fd);
		return err;
	}
	if (st.st_size >= PROFILE_FILE_MAX) {
		perr("profile %s: larger than %d bytes", me->key,
		     PROFILE_FILE_MAX - 1);
		close(fd);
		return -EFBIG;
	}
	f = fdopen(fd, "r");
	if (!f) {
		err = -errno;
		perr("profile %s: fdopen: %s", me->key, strerror(-err));
		close(fd);
		return err;
	}
	err = parse_stream(p, root, me->key, f, me);
	fclose(f);
	return err;
}

static int load_any(struct profile *p, const char *root, const char *name,
		    const struct incl *up)
{
	struct incl me = { name, name, up, up ? up->depth + 1 : 0 };
	char path[PATH_MAX];
	size_t bi = 0;
	int fd = -1, err;

	if (!*name) {
		perr("profile: empty name");
		return -ENOENT;
	}
	while (bi < profile_nbuiltins &&
	       strcmp(profile_builtins[bi].name, name))
		bi++;
	if (bi == profile_nbuiltins) {
		err = find_profile(root, name, path, &fd, up);
		if (err)
			return err; /* logged */
		me.key = path;
	}
	err = include_loop(&me) ? -ELOOP : 0;
	if (!err && me.depth > 4) {
		perr("profile %s: includes nested more than 4 deep", name);
		err = -ELOOP;
	}
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	if (fd < 0)
		return load_builtin(p, root, bi, &me);
	return load_file(p, root, fd, &me);
}

int profile_load(struct profile *p, const char *root, const char *name,
		 const char *who)
{
	const char *was = load_who;
	int err;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	load_who = who;
	err = load_any(p, root, name, NULL);
	load_who = was;
	if (err)
		profile_free(p);
	return err;
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; i < sizeof(p->val) / sizeof(p->val[0]); i++) {
		free(p->val[i]);
		p->val[i] = NULL;
	}
}

const char *profile_get(const struct profile *p, const char *key)
{
	int i = key_index(key);

	return i >= 0 ? p->val[i] : NULL;
}

bool profile_wants(const struct profile *p, const char *key)
{
	const char *v = profile_get(p, key);

	return v && strcmp(v, "keep");
}
