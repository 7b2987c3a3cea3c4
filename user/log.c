// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "testhook.h"
#include "text.h"

int log_verbosity;
static void (*err_hook)(const char *msg);
static _Thread_local bool thread_no_hook, thread_quiet;

void log_thread_set(bool hook, bool quiet)
{
	thread_no_hook = !hook;
	thread_quiet = quiet;
}

void log_set_err_hook(void (*hook)(const char *msg))
{
	err_hook = hook;
}

/* One line: the names, paths and file contents a message quotes come
 * from others, so the whole message goes through text_escape(). */
__attribute__((format(printf, 3, 0))) static void
vlog(const char *level, bool err, const char *fmt, va_list ap)
{
	char *msg = NULL, *safe = NULL;

	if (thread_quiet)
		return;
	if (vasprintf(&msg, fmt, ap) >= 0)
		safe = text_escape_dup(msg);
	fprintf(stderr, "rtbpf: %s%s\n", level,
		safe ? safe : "(no memory to format a message)");
	if (err && err_hook && !thread_no_hook)
		err_hook(msg ? msg : "(no memory to format a message)");
	free(safe);
	free(msg);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", true, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", false, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("", false, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 2)
		return;
	va_start(ap, fmt);
	vlog("debug: ", false, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	if (log_verbosity < 2)
		return 0;
	/* libbpf starts its lines with "libbpf: " itself */
	return vfprintf(stderr, fmt, ap);
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

const char *log_bpf_hint_in(int err, const char *lockdown)
{
	if (err < 0)
		err = -err;
	/* the helpers that read kernel memory are gone: the verifier
	 * refuses the program (EINVAL, EACCES) or the load EPERM */
	if ((err == EPERM || err == EINVAL || err == EACCES) && lockdown &&
	    strstr(lockdown, "[confidentiality]"))
		return " (kernel lockdown=confidentiality keeps BPF from "
		       "reading kernel memory; integrity mode, the one Secure "
		       "Boot sets, allows it)";
	switch (err) {
	case EPERM:
		return " (needs root or CAP_BPF+CAP_PERFMON)";
	case EACCES:
		return " (the verifier rejected a program; -vv shows its log)";
	case ENOENT:
	case ESRCH:
		return " (tracepoint or BTF type missing in this kernel)";
	case EINVAL:
	case ENOTSUP:
		return " (kernel too old or feature not built in; -vv shows the verifier log)";
	case ENOMEM:
		return " (memlock limit too low or out of memory)";
	}
	return "";
}

const char *log_bpf_hint(int err)
{
	const char *path = test_getenv("RTBPF_LOCKDOWN_PATH");
	char mode[128] = "";
	FILE *f = fopen(path ? path : "/sys/kernel/security/lockdown", "re");

	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			mode[0] = '\0';
		fclose(f);
	}
	return log_bpf_hint_in(err, mode);
}
