// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* run --mlock: the preload's environment and the watcher (run_mlock.h). */
#define _GNU_SOURCE
#include "run_mlock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "log.h"
#include "procstat.h"

/*
 * Fields 22 (start time, ticks) and 28 (start of the stack: a new address
 * for every exec under ASLR) of /proc/PID/stat. 0 or -errno.
 */
static int proc_stat_fields(pid_t pid, unsigned long long *start,
			    unsigned long long *stack)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n ? -errno : -EIO;
	buf[n] = '\0';
	if (procstat_field(buf, 22, start) || procstat_field(buf, 28, stack))
		return -EIO;
	return 0;
}

#ifndef MFD_EXEC
/* Linux 6.3: executable even under vm.memfd_noexec = 1 */
#define MFD_EXEC 0x0010U
#endif

/* In the static binary only (mlock_blob.S); NULL in the dynamic one. */
extern const unsigned char rtbpf_mlock_so[] __attribute__((weak));
extern const unsigned char rtbpf_mlock_so_end[] __attribute__((weak));

int run_mlock_embedded(char *path, size_t len)
{
	const unsigned char *p = rtbpf_mlock_so;
	size_t left;
	ssize_t n;
	int fd, ret;

	if (!p || !rtbpf_mlock_so_end)
		return -ENOENT;
	left = (size_t)(rtbpf_mlock_so_end - p);
	fd = memfd_create("librtbpf-mlock.so",
			  MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* before 6.3: no MFD_EXEC */
		fd = memfd_create("librtbpf-mlock.so",
				  MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	for (; left; left -= (size_t)n, p += n) {
		n = write(fd, p, left);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			ret = n ? -errno : -EIO;
			goto fail;
		}
	}
	/* no one, CMD as another user included, changes it from here; the
	 * fd lives on across exec so the loader finds it */
	if (fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) ||
	    fcntl(fd, F_SETFD, 0)) {
		ret = -errno;
		goto fail;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
fail:
	close(fd);
	return ret;
}

int run_mlock_env(const char *preload)
{
	const char *old = getenv("LD_PRELOAD");
	unsigned long long start = 0, stack;
	char *env = NULL, id[64];
	int ret = 0;

	/* without /proc the preload compares the pid alone (start 0) */
	proc_stat_fields(getpid(), &start, &stack);
	snprintf(id, sizeof(id), "%d:%llu", (int)getpid(), start);
	if (asprintf(&env, "%s%s%s", preload, old && *old ? ":" : "",
		     old ? old : "") < 0)
		return -ENOMEM;
	if (setenv("LD_PRELOAD", env, 1) || setenv("RTBPF_MLOCK", preload, 1) ||
	    setenv("RTBPF_MLOCK_PID", id, 1))
		ret = -errno;
	free(env);
	return ret;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* VmLck of /proc/PID/status in kB, or -1. */
static long long vmlck_kb(pid_t pid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0)
		if (sscanf(line, "VmLck: %lld", &kb) == 1)
			break;
	free(line);
	fclose(f);
	return kb;
}

/* Is path mapped in pid (the preload loaded)? */
static bool mapped(pid_t pid, const char *path)
{
	char maps[64], *line = NULL;
	size_t cap = 0, len = strlen(path);
	bool found = false;
	ssize_t n;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	f = fopen(maps, "re");
	if (!f)
		return false;
	while (!found && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		found = (size_t)n >= len && !strcmp(line + n - len, path);
	}
	free(line);
	fclose(f);
	return found;
}

static bool exited(int pidfd, int timeout_ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	/* an error is taken as gone: the watcher must not read a stranger */
	return poll(&p, 1, timeout_ms) != 0;
}

/* exe is anyone's choice of file name: log_warn escapes the message */
static void warn_unlocked(pid_t pid, const char *exe, const char *mapname)
{
	log_warn("run: --mlock: pid %d (%s) runs with no memory locked "
		 "(VmLck 0 kB %d ms after its exec): %s",
		 (int)pid, exe, RUN_MLOCK_SETTLE_MS,
		 mapped(pid, mapname) ?
			 "it unlocked itself (munlockall/munlock)" :
			 "librtbpf-mlock.so did not run in it (statically "
			 "linked, set-user-ID, or LD_PRELOAD removed)");
}

static void watch(int pidfd, int sync, pid_t pid, const char *mapname)
{
	char exe[PATH_MAX] = "", cur[PATH_MAX] = "", again[PATH_MAX], link[64];
	unsigned long long start, stack, stack2, cur_stack = 0;
	long long t0, since = 0, kb;
	bool judged = true;
	ssize_t n, n2;
	char c;

	/* EOF when run execs CMD (the write end is close-on-exec) */
	while ((n = read(sync, &c, 1)) < 0 && errno == EINTR)
		;
	close(sync);
	t0 = now_ms();
	for (;;) {
		if (exited(pidfd, 20))
			return;
		/* the image, its VmLck, the image again: a sample taken
		 * across an exec would judge the new image by the old one's
		 * lock, so it is dropped */
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
		n = readlink(link, cur, sizeof(cur) - 1);
		if (n < 0 || proc_stat_fields(pid, &start, &stack))
			continue; /* exiting: the pidfd says so next */
		cur[n] = '\0';
		kb = vmlck_kb(pid);
		n2 = readlink(link, again, sizeof(again) - 1);
		if (kb < 0 || n2 != n || proc_stat_fields(pid, &start, &stack2))
			continue;
		again[n2] = '\0';
		if (stack2 != stack || strcmp(again, cur))
			continue;
		/* all read while pid was still ours */
		if (exited(pidfd, 0))
			return;
		if (stack != cur_stack || strcmp(cur, exe)) {
			/* a new image: judged RUN_MLOCK_SETTLE_MS after, and
			 * watched RUN_MLOCK_WATCH_MS from its exec */
			cur_stack = stack;
			memcpy(exe, cur, (size_t)n + 1);
			since = t0 = now_ms();
			judged = false;
		}
		if (!judged && kb > 0) {
			judged = true;
		} else if (!judged && now_ms() - since >= RUN_MLOCK_SETTLE_MS) {
			warn_unlocked(pid, exe, mapname);
			judged = true;
		}
		if (judged && now_ms() - t0 >= RUN_MLOCK_WATCH_MS)
			return;
	}
}

/* Closes every fd above stderr but a and b: nothing of CMD's stays open. */
static void keep_only(int a, int b)
{
	unsigned int lo = (unsigned int)(a < b ? a : b);
	unsigned int hi = (unsigned int)(a < b ? b : a);

	if (lo > 3)
		syscall(SYS_close_range, 3U, lo - 1, 0U);
	if (hi > lo + 1)
		syscall(SYS_close_range, lo + 1, hi - 1, 0U);
	syscall(SYS_close_range, hi + 1, ~0U, 0U);
}

int run_mlock_watch(const char *mapname)
{
	pid_t self = getpid(), child;
	int pidfd, sync[2], ret = 0, status;

	pidfd = (int)syscall(SYS_pidfd_open, self, 0);
	if (pidfd < 0) {
		ret = -errno;
		log_warn("run: --mlock: pidfd_open: %s; the lock is not "
			 "checked",
			 strerror(-ret));
		return ret;
	}
	if (pipe2(sync, O_CLOEXEC)) {
		ret = -errno;
		log_warn("run: --mlock: pipe: %s; the lock is not checked",
			 strerror(-ret));
		close(pidfd);
		return ret;
	}
	fflush(NULL);
	child = fork();
	if (child == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fork())
			_exit(0); /* the watcher is orphaned: not CMD's child */
		close(sync[1]);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		if (null > STDERR_FILENO)
			close(null);
		keep_only(pidfd, sync[0]);
		watch(pidfd, sync[0], self, mapname);
		_exit(0);
	}
	close(sync[0]);
	close(pidfd);
	if (child < 0) {
		ret = -errno;
		log_warn("run: --mlock: fork: %s; the lock is not checked",
			 strerror(-ret));
		close(sync[1]);
		return ret;
	}
	/* sync[1] stays open, close-on-exec, until the exec */
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}
