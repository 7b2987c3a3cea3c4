// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf run [--cpus LIST] [--fifo PRIO | --rr PRIO | --nice N]
 *           [--profile NAME] [--mlock] [--membind NODES]
 *           [--user USER[:GROUP]] -- CMD ARGS  (options: run_opts.h)
 *
 * Sets the properties on this process and execs CMD, so CMD's exit code is
 * the command's. Affinity, policy, nice and the NUMA memory policy survive
 * execve(2); mlockall(2) does not (exec builds a new address space), so
 * --mlock preloads librtbpf-mlock.so, whose constructor calls
 * mlockall(MCL_CURRENT | MCL_FUTURE) before main() in every image this
 * process execs (a launcher script and the program it execs alike) and in
 * no other process (run_mlock.h). A watcher started before the exec warns
 * about an image left unlocked (a statically linked CMD ignores
 * LD_PRELOAD: lock there with rtbpf_rt_setup() instead). The library is
 * found at $RTBPF_MLOCK_PRELOAD, else in the binary itself (the static
 * rtbpf carries a copy and passes it as a sealed memfd, run_mlock.h),
 * else next to the binary (../lib/, ../lib/rtbpf/ or
 * ./librtbpf-mlock.so), and passed by its canonical path. With --mlock RLIMIT_MEMLOCK is raised to infinity (root
 * or CAP_SYS_RESOURCE), which exec and the --user switch keep, so CMD can
 * lock as an unprivileged user too.
 * Affinity, NUMA policy, scheduling and nice go through rtbpf_rt_setup()
 * (<rtbpf/rt.h>), the same steps a program can take in-process; then
 * setrlimit; then --user gives up the controlling terminal (CMD could
 * otherwise type into root's shell with TIOCSTI) and switches to the
 * account (account.h: setgroups, setresgid, setresuid, checked) once the
 * steps that need root are done; then execvp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/capability.h>

#include <rtbpf/rt.h>

#include "account.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "parse.h"
#include "run_mlock.h"
#include "run_opts.h"
#include "sysinfo.h"

#define MLOCK_LIB "librtbpf-mlock.so"

/*
 * The preload must be what root may load into CMD: a regular file, an ELF
 * shared object, owned by root (or this user) and writable by no one else.
 * A FIFO would hang the dynamic loader; an archive or a directory would
 * leave CMD unlocked without a word. 0 or -errno, *why set.
 */
static int preload_trusted(const char *path, const char **why)
{
	char dir[PATH_MAX], *slash;
	unsigned char h[18];
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		ret = -EINVAL;
	} else if (st.st_uid && st.st_uid != geteuid()) {
		*why = "owned by another user";
		ret = -EPERM;
	} else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "writable by group or others";
		ret = -EPERM;
	} else if (read(fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
		   memcmp(h, "\177ELF", 4) ||
		   (h[5] == 2 ? h[16] << 8 | h[17] : h[17] << 8 | h[16]) != 3) {
		/* e_type ET_DYN, in the byte order EI_DATA names */
		*why = "not an ELF shared object";
		ret = -EINVAL;
	}
	close(fd);
	if (ret)
		return ret;
	/* the loader opens it again by path: no directory on the way may
	 * let another user swap it (sticky ones keep others' files) */
	snprintf(dir, sizeof(dir), "%s", path);
	while ((slash = strrchr(dir, '/'))) {
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (stat(dir, &st) || !S_ISDIR(st.st_mode) ||
		    (st.st_uid && st.st_uid != geteuid()) ||
		    ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		     !(st.st_mode & S_ISVTX))) {
			*why = "in a directory another user may change";
			return -EPERM;
		}
		if (slash == dir)
			break;
	}
	return 0;
}

/*
 * The preload's canonical path (CMD may change directory before an exec)
 * into out: $RTBPF_MLOCK_PRELOAD, else next to the binary. 0; -ENOENT when
 * none is installed; another -errno with *why when the one found is not
 * to be trusted (out names it).
 */
static int find_preload(char *out, size_t len, const char **why)
{
	/* make install's lib/ beside bin/, the package's private
	 * /usr/lib/rtbpf beside /usr/sbin, the build tree's own dir */
	static const char *const dirs[] = { "/../lib", "/../lib/rtbpf", "" };
	const char *env = getenv("RTBPF_MLOCK_PRELOAD");
	char exe[PATH_MAX], real[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	*why = NULL;
	if (env && *env) {
		snprintf(out, len, "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return -errno;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			if (snprintf(out, len, "%s%s/%s", exe, dirs[i],
				     MLOCK_LIB) >= (int)len)
				return -ENAMETOOLONG;
			if (!access(out, F_OK))
				break;
		}
		if (i == sizeof(dirs) / sizeof(dirs[0]))
			return -ENOENT;
	}
	if (!realpath(out, real)) {
		*why = strerror(errno);
		return -errno;
	}
	if (snprintf(out, len, "%s", real) >= (int)len)
		return -ENAMETOOLONG;
	return preload_trusted(out, why);
}

/*
 * Before --user: give up the controlling terminal. CMD keeps fds 0-2 on
 * root's terminal, and with it as its controlling terminal it could push
 * input into root's shell (TIOCSTI, where dev.tty.legacy_tiocsti allows
 * it); without, that needs CAP_SYS_ADMIN, and the terminal, owned by the
 * session that holds it, cannot become CMD's own. The foreground process
 * group, Ctrl-C included, is unchanged. A session leader cannot give it up
 * without hanging up its session: refused. 0 or -errno (err set).
 */
static int drop_ctty(char *err, size_t errlen)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return 0; /* none */
	if (getsid(0) == getpid()) {
		snprintf(err, errlen,
			 "rtbpf leads the session of its terminal, which "
			 "CMD could type into; start it from a shell or "
			 "under setsid -w");
		ret = -EPERM;
	} else if (ioctl(fd, TIOCNOTTY)) {
		ret = -errno;
		snprintf(err, errlen, "giving up the terminal (TIOCNOTTY): %s",
			 strerror(errno));
	}
	close(fd);
	if (!ret &&
	    (fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0) {
		close(fd);
		snprintf(err, errlen, "the terminal is still controlling");
		ret = -EPERM;
	}
	return ret;
}

/*
 * The process properties, through rtbpf_rt_setup() (the library's in-process
 * setup) so `run` and a program calling it get the same steps. Locking
 * itself happens in CMD (the preload); here only RLIMIT_MEMLOCK is raised,
 * which exec keeps. A refused memlock limit is a warning, any other failed
 * step an error. 0 or -1 (logged).
 */
static int apply_rt(const char *cmd, const struct cpuset *cpus,
		    const struct cpuset *nodes, bool mlock, bool as_user,
		    int policy, int prio, int nice_v)
{
	static const char *const hints[RTBPF_RT_NSTEPS] = {
		[RTBPF_RT_POLICY] =
			" (needs root, CAP_SYS_NICE or RLIMIT_RTPRIO)",
		[RTBPF_RT_NICE] = " (needs root or CAP_SYS_NICE)",
	};
	unsigned long mask[CPUSET_MAX / 64];
	struct rtbpf_rt_result res;
	struct rtbpf_rt_cfg cfg;
	/* sized for CPUSET_MAX: cpu_set_t stops at CPU 1023 */
	size_t set_size = CPU_ALLOC_SIZE(CPUSET_MAX);
	cpu_set_t *set = NULL;
	int bad = 0;

	rtbpf_rt_cfg__init(&cfg);
	if (cpus) {
		set = CPU_ALLOC(CPUSET_MAX);
		if (!set) {
			log_err("run: %s: out of memory", cmd);
			return -1;
		}
		CPU_ZERO_S(set_size, set);
		for (unsigned int c = 0; c < CPUSET_MAX; c++)
			if (cpuset_has(cpus, c))
				CPU_SET_S(c, set_size, set);
		cfg.cpus = set;
		cfg.cpus_size = set_size;
	}
	if (nodes) {
		for (size_t i = 0; i < CPUSET_MAX / 64; i++)
			mask[i] = (unsigned long)nodes->bits[i];
		cfg.nodes = mask;
		cfg.max_node = CPUSET_MAX;
	}
	if (policy >= 0) {
		cfg.policy = policy;
		cfg.priority = prio;
		cfg.nice = nice_v;
	}
	rtbpf_rt_setup(&cfg, &res);
	if (set)
		CPU_FREE(set);
	if (mlock) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_MEMLOCK, &rl)) {
			/* Not privileged: use what the hard limit allows. */
			if (!getrlimit(RLIMIT_MEMLOCK, &rl)) {
				rl.rlim_cur = rl.rlim_max;
				setrlimit(RLIMIT_MEMLOCK, &rl);
			}
			/* it binds only without CAP_IPC_LOCK, which
			 * --user gives up */
			if (as_user || !account_has_cap(CAP_IPC_LOCK))
				log_warn(
					"run: RLIMIT_MEMLOCK stays at %llu bytes "
					"(raising it needs CAP_SYS_RESOURCE); "
					"mlockall may fail",
					(unsigned long long)rl.rlim_cur);
		}
	}
	for (int st = 0; st < RTBPF_RT_NSTEPS; st++) {
		int e = -res.err[st];

		if (!res.attempted[st] || !e)
			continue;
		log_err("run: %s of %s: %s%s", rtbpf_rt_step_name(st), cmd,
			strerror(e),
			hints[st] && (e == EPERM || e == EACCES) ? hints[st] :
								   "");
		bad = -1;
	}
	return bad;
}

/*
 * --mlock's preload: $RTBPF_MLOCK_PRELOAD, else the copy this binary
 * carries (the static one, as a sealed memfd: run_mlock.h; *memfd set),
 * else the library installed beside it, trusted. 0, or the exit code
 * after a message: a library that is missing is an installation to fix
 * (1), not a kernel that lacks something (4).
 */
static int check_preload(char *preload, size_t len, bool *memfd)
{
	const char *why, *env = getenv("RTBPF_MLOCK_PRELOAD");
	int ret;

	*memfd = false;
	if (!env || !*env) {
		ret = run_mlock_embedded(preload, len);
		if (ret >= 0) {
			*memfd = true;
			return 0;
		}
		if (ret == -EACCES) {
			log_err("run: --mlock: vm.memfd_noexec = 2 forbids the "
				"executable memfd for the preload this binary "
				"carries; set RTBPF_MLOCK_PRELOAD to an "
				"installed %s",
				MLOCK_LIB);
			return EXIT_UNSUPPORTED;
		}
		if (ret != -ENOENT) {
			log_err("run: --mlock: a memfd for the preload this "
				"binary carries: %s",
				strerror(-ret));
			return EXIT_FAIL;
		}
	}
	ret = find_preload(preload, len, &why);
	if (ret && !why) {
		log_err("run: --mlock: %s not found beside rtbpf (../lib, "
			"../lib/rtbpf or its own directory): %s; install it "
			"there, set RTBPF_MLOCK_PRELOAD, or use the static "
			"rtbpf, which carries it",
			MLOCK_LIB, strerror(-ret));
		return EXIT_FAIL;
	}
	if (ret) {
		log_err("run: --mlock: preload %s: %s; CMD not started",
			preload, why);
		return EXIT_FAIL;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	int ch, rc = EXIT_FAIL, argi;
	char err[256], preload[PATH_MAX];
	struct account acct = {};
	struct run_args a = { 0 };
	bool memfd = false;

	/* Validate everything before changing anything. */
	ch = run_args_parse(&run_cli, &a, argc, argv, &argi);
	if (ch)
		return cli_exit(ch);
	if (a.mlock) {
		ch = check_preload(preload, sizeof(preload), &memfd);
		if (ch)
			return ch;
	}
	if (a.user) {
		int ret = account_lookup(&acct, a.user, "/", err, sizeof(err));

		if (ret) {
			log_err("run: --user: %s", err);
			return ret == -EINVAL || ret == -ENOENT ? EXIT_USAGE :
								  EXIT_FAIL;
		}
	}

	if (a.mlock) {
		int ret = run_mlock_env(preload);

		if (ret) {
			log_err("run: --mlock: setenv: %s", strerror(-ret));
			goto cleanup;
		}
		/* before the setup: the watcher keeps this policy */
		run_mlock_watch(memfd ? RUN_MLOCK_MEMFD_MAP : preload);
	}
	if (apply_rt(argv[argi], a.has_cpus ? &a.cpus : NULL,
		     a.has_nodes ? &a.nodes : NULL, a.mlock, a.user != NULL,
		     a.policy, a.prio, a.nice_v))
		goto cleanup;
	if (a.user) {
		if (drop_ctty(err, sizeof(err)) ||
		    account_become(&acct, err, sizeof(err))) {
			log_err("run: --user %s: %s; CMD not started", a.user,
				err);
			goto cleanup;
		}
		/* access() asks as the real uid: now the user's (a memfd
		 * is the process's own: /proc/self is root's until exec) */
		if (a.mlock && !memfd && access(preload, R_OK)) {
			log_err("run: --mlock: %s cannot read %s: %s; CMD not "
				"started",
				acct.name, preload, strerror(errno));
			goto cleanup;
		}
	}
	execvp(argv[argi], argv + argi);
	ch = errno;
	log_err("run: exec %s: %s", argv[argi], strerror(ch));
	rc = ch == ENOENT ? 127 : 126;
cleanup:
	account_fini(&acct);
	return rc;
}
