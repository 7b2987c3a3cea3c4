// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "sysinfo.h"
#include "log.h"
#include "testhook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

int sysinfo_read_cpulist(const char *path, struct cpuset *out)
{
	FILE *f = fopen(path, "re");

	return f ? sysinfo_fread_cpulist(f, out) : -errno;
}

int sysinfo_fread_cpulist(FILE *f, struct cpuset *out)
{
	char *buf = NULL, err[128];
	size_t cap = 0;
	ssize_t n;
	int ret;

	/* the whole file, however long the list (8192 CPUs: ~20 KiB) */
	n = getdelim(&buf, &cap, '\0', f);
	ret = n < 0 && ferror(f) ? -EIO : 0;
	fclose(f);
	if (ret || n < 0) {
		free(buf);
		if (!ret)
			cpuset_zero(out); /* empty file */
		return ret;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (!n || !strcmp(buf, "(null)")) {
		cpuset_zero(out);
		free(buf);
		return 0;
	}
	ret = parse_cpulist(buf, out, err, sizeof(err));
	free(buf);
	return ret;
}

unsigned int sysinfo_pid_max(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	if (!v)
		return 32768;
	return v > 4194304 ? 4194304 : (unsigned int)v;
}

/* include/linux/proc_ns.h */
#define PROC_PID_INIT_INO 0xEFFFFFFCU

uint32_t sysinfo_pidns_ino(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) || st.st_ino == PROC_PID_INIT_INO)
		return 0;
	return (uint32_t)st.st_ino;
}

const char *sysinfo_btf_path(void)
{
	const char *p = test_getenv("RTBPF_BTF_PATH");

	return p && *p ? p : SYSINFO_BTF_PATH;
}

int sysinfo_load(struct host_info *hi)
{
	struct utsname u;
	int err;

	memset(hi, 0, sizeof(*hi));
	if (uname(&u) == 0)
		snprintf(hi->kernel, sizeof(hi->kernel), "%s", u.release);
	err = sysinfo_read_cpulist("/sys/devices/system/cpu/possible",
				   &hi->possible);
	if (err)
		return err;
	err = sysinfo_read_cpulist("/sys/devices/system/cpu/online",
				   &hi->online);
	if (err)
		return err;
	if (sysinfo_read_cpulist("/sys/devices/system/cpu/isolated",
				 &hi->isolated))
		cpuset_zero(&hi->isolated);
	if (sysinfo_read_cpulist("/sys/devices/system/cpu/nohz_full",
				 &hi->nohz_full))
		cpuset_zero(&hi->nohz_full);
	hi->btf_path = sysinfo_btf_path();
	hi->has_btf = access(hi->btf_path, R_OK) == 0;
	return 0;
}

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool cap_has(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

bool sysinfo_has_bpf_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	if (cap_has(d, CAP_SYS_ADMIN))
		return true;
	return cap_has(d, CAP_BPF) && cap_has(d, CAP_PERFMON);
}

int sysinfo_bpf_ready(const struct host_info *hi, const char *cmd,
		      const char *caps)
{
	if (!sysinfo_has_bpf_caps()) {
		log_err("%s: permission denied: needs root or %s (try sudo)",
			cmd, caps);
		return -EPERM;
	}
	if (!hi->has_btf) {
		log_err("%s: %s missing: kernel lacks CONFIG_DEBUG_INFO_BTF",
			cmd, hi->btf_path);
		return -ENOTSUP;
	}
	return 0;
}

static int mount_if_absent(const char *dir, const char *type, long magic)
{
	struct statfs st;

	if (statfs(dir, &st) == 0 && (long)st.f_type == magic)
		return 0;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	if (mount(type, dir, type, 0, NULL))
		return -errno;
	return 0;
}

int sysinfo_mount_tracefs(void)
{
	return mount_if_absent("/sys/kernel/tracing", "tracefs", TRACEFS_MAGIC);
}

int sysinfo_mount_bpffs(void)
{
	return mount_if_absent("/sys/fs/bpf", "bpf", BPF_FS_MAGIC);
}
