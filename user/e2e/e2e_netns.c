// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf bench e2e: the two network namespaces and the veth pair between
 * them. Both ends live in namespaces made here (rtbpf-e2e-a-PID and
 * rtbpf-e2e-b-PID), addresses come from 198.18.0.0/15 (RFC 2544
 * benchmarking) and MACs are locally administered, so nothing touches the
 * host's interfaces or neighbours. Set-up runs ip(8) and prints each
 * command at -v; teardown deletes both namespaces, which destroys the
 * pair. A run killed with SIGKILL leaves its namespaces: the next run
 * deletes those whose PID is gone (e2e_net_gc).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "log.h"

#define NETNS_DIR "/run/netns"
#define NS_PREFIX "rtbpf-e2e-"

static const char ip_a[] = "198.19.0.1", ip_b[] = "198.19.0.2";
static const uint8_t mac_a[6] = { 0x02, 0x72, 0x74, 0x62, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0x72, 0x74, 0x62, 0x00, 0x02 };

/* Runs ip(8) with argv; 0 when it exits 0. Output shown at -v only. */
static int run_ip(const char *const argv[])
{
	char line[512];
	size_t off = 0;
	int status;
	pid_t pid;

	for (int i = 0; argv[i] && off < sizeof(line); i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
					i ? " " : "", argv[i]);
	log_info("bench e2e: %s", line);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (log_verbosity < 1) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp("ip", (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		log_err("bench e2e: '%s' failed (exit %d)%s", line,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
				": install iproute2" :
				"");
		return -EIO;
	}
	return 0;
}

static void fmt_mac(char *buf, size_t len, const uint8_t m[6])
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

void e2e_net_gc(void)
{
	struct dirent *de;
	DIR *d = opendir(NETNS_DIR);

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = de->d_name;
		long pid;
		char *end;

		if (strncmp(p, NS_PREFIX, strlen(NS_PREFIX)))
			continue;
		p += strlen(NS_PREFIX);
		if ((*p != 'a' && *p != 'b') || p[1] != '-')
			continue;
		pid = strtol(p + 2, &end, 10);
		if (*end || pid <= 0 || pid == getpid() ||
		    !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		log_warn("bench e2e: deleting namespace %s left by a killed "
			 "run",
			 de->d_name);
		run_ip((const char *const[]){ "ip", "netns", "del", de->d_name,
					      NULL });
	}
	closedir(d);
}

void e2e_net_down(struct e2e_net *n)
{
	if (n->fd_a >= 0)
		close(n->fd_a);
	if (n->fd_b >= 0)
		close(n->fd_b);
	n->fd_a = n->fd_b = -1;
	if (n->created_a)
		run_ip((const char *const[]){ "ip", "netns", "del", n->ns_a,
					      NULL });
	if (n->created_b)
		run_ip((const char *const[]){ "ip", "netns", "del", n->ns_b,
					      NULL });
	n->created_a = n->created_b = false;
}

static int open_ns(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* 1 if ifname in namespace fd is IFF_RUNNING, 0 if not, -errno. */
static int ns_running(int fd, const char *ifname)
{
	int cur = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	struct ifreq ifr = {};
	int s, err = 0;

	if (cur < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		goto cleanup;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		err = ioctl(s, SIOCGIFFLAGS, &ifr) ?
			      -errno :
			      !!(ifr.ifr_flags & IFF_RUNNING);
		close(s);
	} else {
		err = -errno;
	}
	if (setns(cur, CLONE_NEWNET))
		err = -errno;
cleanup:
	close(cur);
	return err;
}

int e2e_net_up(struct e2e_net *n)
{
	char ma[24], mb[24], cidr_a[24], cidr_b[24];
	const char *A = n->ns_a, *B = n->ns_b;
	int err;

	n->fd_a = n->fd_b = -1;
	snprintf(n->ns_a, sizeof(n->ns_a), NS_PREFIX "a-%d", (int)getpid());
	snprintf(n->ns_b, sizeof(n->ns_b), NS_PREFIX "b-%d", (int)getpid());
	inet_pton(AF_INET, ip_a, &n->ip_a);
	inet_pton(AF_INET, ip_b, &n->ip_b);
	memcpy(n->mac_a, mac_a, 6);
	memcpy(n->mac_b, mac_b, 6);
	fmt_mac(ma, sizeof(ma), mac_a);
	fmt_mac(mb, sizeof(mb), mac_b);
	snprintf(cidr_a, sizeof(cidr_a), "%s/30", ip_a);
	snprintf(cidr_b, sizeof(cidr_b), "%s/30", ip_b);

	err = run_ip((const char *const[]){ "ip", "netns", "add", A, NULL });
	if (err)
		return err;
	n->created_a = true;
	err = run_ip((const char *const[]){ "ip", "netns", "add", B, NULL });
	if (err)
		return err;
	n->created_b = true;
	const char *const *steps[] = {
		(const char *const[]){ "ip", "-n", A, "link", "add", "veth0",
				       "address", ma, "type", "veth", "peer",
				       "name", "veth1", "address", mb, "netns",
				       B, NULL },
		(const char *const[]){ "ip", "-n", A, "addr", "add", cidr_a,
				       "dev", "veth0", NULL },
		(const char *const[]){ "ip", "-n", B, "addr", "add", cidr_b,
				       "dev", "veth1", NULL },
		(const char *const[]){ "ip", "-n", A, "link", "set", "lo", "up",
				       NULL },
		(const char *const[]){ "ip", "-n", B, "link", "set", "lo", "up",
				       NULL },
		(const char *const[]){ "ip", "-n", A, "link", "set", "veth0",
				       "up", NULL },
		(const char *const[]){ "ip", "-n", B, "link", "set", "veth1",
				       "up", NULL },
		/* Static neighbours: no ARP on the measured path. */
		(const char *const[]){ "ip", "-n", A, "neigh", "replace", ip_b,
				       "lladdr", mb, "dev", "veth0", "nud",
				       "permanent", NULL },
		(const char *const[]){ "ip", "-n", B, "neigh", "replace", ip_a,
				       "lladdr", ma, "dev", "veth1", "nud",
				       "permanent", NULL },
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		err = run_ip(steps[i]);
		if (err)
			return err;
	}
	n->fd_a = open_ns(A);
	n->fd_b = open_ns(B);
	if (n->fd_a < 0 || n->fd_b < 0) {
		err = -errno;
		log_err("bench e2e: opening %s: %s", NETNS_DIR,
			strerror(errno));
		return err;
	}
	/* veth carrier comes up asynchronously: wait up to 5 s. */
	for (int i = 0; i < 500; i++) {
		if (ns_running(n->fd_a, "veth0") > 0 &&
		    ns_running(n->fd_b, "veth1") > 0)
			return 0;
		usleep(10000);
	}
	log_err("bench e2e: veth pair has no carrier after 5 s");
	return -ENETDOWN;
}
