// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * librtbpf-mlock.so: preloaded by `rtbpf run --mlock` so that the memory
 * lock survives execve(2), also through launchers (`start.sh` ending in
 * `exec app`, version-manager shims): every image the process `run` became
 * execs locks itself.
 *
 * The environment names the one process to lock: RTBPF_MLOCK (this
 * library's path) and RTBPF_MLOCK_PID ("PID:START", START being field 22
 * of /proc/PID/stat, so a reused pid does not match). In that process the
 * constructor calls mlockall(MCL_CURRENT | MCL_FUTURE) before main() and
 * leaves the variables in place for its next exec. In any other process (a
 * child CMD forked, then exec'd) it does not lock and removes itself from
 * LD_PRELOAD and the two variables from the environment, so the child's
 * own children do not carry them. mlockall itself is never inherited by
 * fork(2). A child that forks without exec keeps the variables in its
 * environment until it execs; then this constructor drops them. Loaded
 * from the static rtbpf's memfd (RTBPF_MLOCK = /proc/self/fd/N, an fd
 * inherited across exec), it closes that fd there too.
 *
 * If mlockall fails, the image is not started (exit 126, the pid and the
 * reason on stderr): asking for --mlock and running unlocked would hide
 * page faults. An image where this constructor never runs (statically
 * linked, set-user-ID, or its environment cleared) is caught by `run`,
 * which watches the pid's VmLck (see user/tune/run.c).
 *
 * Build: cc -shared -fPIC -O2 -o librtbpf-mlock.so rtbpf_mlock.c
 * It lives in a subdirectory so the user/tune wildcard does not link it
 * into rtbpf itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "../../procstat.h"

/* Field 22 of /proc/self/stat (start time in ticks), 0 if unknown. */
static unsigned long long self_start(void)
{
	char buf[2048];
	unsigned long long start = 0;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return procstat_field(buf, 22, &start) ? 0 : start;
}

/* Is this process the one `run` became? */
static int is_target(const char *want)
{
	unsigned long long pid, start, mine;
	char *end;

	errno = 0;
	pid = strtoull(want, &end, 10);
	if (errno || *end != ':' || pid != (unsigned long long)getpid())
		return 0;
	start = strtoull(end + 1, &end, 10);
	if (errno || *end)
		return 0;
	mine = self_start();
	/* /proc unreadable here or for run: the pid alone decides */
	return !mine || !start || mine == start;
}

static void forget(const char *self)
{
	const char *pre = getenv("LD_PRELOAD");
	char *buf, *out, *tok, *save = NULL, *end;
	size_t off = 0;
	long fd;

	/* the static rtbpf's sealed memfd, inherited: mapped now, and this
	 * process's children are not to carry it */
	if (!strncmp(self, "/proc/self/fd/", 14)) {
		errno = 0;
		fd = strtol(self + 14, &end, 10);
		if (!errno && !*end && end != self + 14 && fd > 2)
			close((int)fd);
	}
	unsetenv("RTBPF_MLOCK_PID");
	buf = pre ? strdup(pre) : NULL;
	out = pre ? malloc(strlen(pre) + 1) : NULL;
	if (buf && out) {
		out[0] = '\0';
		for (tok = strtok_r(buf, ": ", &save); tok;
		     tok = strtok_r(NULL, ": ", &save)) {
			if (!strcmp(tok, self))
				continue;
			off += (size_t)sprintf(out + off, "%s%s",
					       off ? ":" : "", tok);
		}
		if (off)
			setenv("LD_PRELOAD", out, 1);
		else
			unsetenv("LD_PRELOAD");
	}
	free(buf);
	free(out);
	unsetenv("RTBPF_MLOCK");
}

__attribute__((constructor)) static void rtbpf_mlock_init(void)
{
	const char *self = getenv("RTBPF_MLOCK");
	const char *want = getenv("RTBPF_MLOCK_PID");
	char name[4 * 16 + 1];
	size_t i, off = 0;

	if (!self)
		return; /* loaded some other way: do nothing */
	if (!want || !is_target(want)) {
		forget(self);
		return;
	}
	if (!mlockall(MCL_CURRENT | MCL_FUTURE))
		return;
	int e = errno;

	/* argv[0] is anyone's choice: bytes a terminal would act on as \xNN,
	 * as rtbpf's own text_escape() writes them */
	for (i = 0; program_invocation_short_name[i] && i < 16; i++) {
		unsigned char c =
			(unsigned char)program_invocation_short_name[i];

		if (c < 0x20 || c >= 0x7f)
			off += (size_t)snprintf(name + off, sizeof(name) - off,
						"\\x%02x", c);
		else if (c == '\\')
			off += (size_t)snprintf(name + off, sizeof(name) - off,
						"\\\\");
		else
			name[off++] = (char)c;
	}
	name[off] = '\0';
	fprintf(stderr,
		"rtbpf: run: --mlock: pid %d (%s): mlockall(MCL_CURRENT|"
		"MCL_FUTURE): %s%s; not started\n",
		(int)getpid(), name, strerror(e),
		e == ENOMEM || e == EPERM ?
			" (RLIMIT_MEMLOCK too low; needs root or CAP_IPC_LOCK)" :
			"");
	_exit(126);
}
