// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * no_openat2 [-e ENOSYS|EPERM|EINVAL] CMD [ARG...]: runs CMD with openat2(2)
 * failing with that errno (default ENOSYS, as on a kernel before 5.6; EPERM
 * as under some container seccomp profiles), so tests reach the fallback
 * path walk of tune_open() (user/tune/fs.c). A seccomp filter, inherited
 * across exec; needs no privilege (no_new_privs is set first).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "no_openat2: add this architecture's AUDIT_ARCH_*"
#endif

static int errno_arg(const char *s)
{
	return !strcmp(s, "ENOSYS") ? ENOSYS :
	       !strcmp(s, "EPERM")  ? EPERM :
	       !strcmp(s, "EINVAL") ? EINVAL :
				      -1;
}

int main(int argc, char **argv)
{
	int err = argc > 2 && !strcmp(argv[1], "-e") ? errno_arg(argv[2]) :
						       ENOSYS;
	int cmd = argc > 2 && !strcmp(argv[1], "-e") ? 3 : 1;
	struct sock_filter f[] = {
		/* Another ABI's syscall numbers differ: let them through. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (__u32)err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(f) / sizeof(f[0]),
		.filter = f,
	};

	if (argc <= cmd || err < 0) {
		fprintf(stderr, "usage: no_openat2 [-e ENOSYS|EPERM|EINVAL] "
				"CMD [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("no_openat2: seccomp");
		return 1;
	}
	execvp(argv[cmd], argv + cmd);
	perror(argv[cmd]);
	return 127;
}
