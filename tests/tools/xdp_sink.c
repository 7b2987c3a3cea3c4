// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_sink IFACE PORT [tc] [stamp]: the benchmark's stand-in for the wire.
 * Attaches xdp_sink.bpf.c (beside it) to IFACE in driver mode through a
 * bpf_link (gone when this process ends, however it ends), or with "tc" at tc
 * ingress (a clsact filter: detached when this process ends on a signal,
 * else when the interface goes; the benchmark's namespaces are deleted on
 * exit), prints "ready", and on SIGINT or SIGTERM prints
 * "dropped=N passed=M": the IPv4 UDP datagrams to PORT it counted and
 * dropped, and the other frames it passed to the kernel. With "stamp" it
 * also times each datagram's arrival against the send time in its payload
 * (user/xsk/payload.h) and adds "stamped=N p50_ns=P p99_ns=Q max_ns=M".
 * Needs root. Exit 0, 1 on failure, 2 on bad arguments.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hist.h"
#include "xdp_sink.skel.h"

/* Sums the per-CPU arrival histograms into h. */
static int read_lat(int fd, int ncpus, struct hist *h)
{
	size_t sz = sizeof(struct hist);
	__u32 zero = 0;
	char *v = calloc((size_t)ncpus, sz);
	int err = 0;

	if (!v)
		return -ENOMEM;
	hist_reset(h);
	if (bpf_map_lookup_elem(fd, &zero, v))
		err = -errno;
	for (int i = 0; !err && i < ncpus; i++)
		if (((struct hist *)(v + (size_t)i * sz))->count)
			hist_merge(h, (struct hist *)(v + (size_t)i * sz));
	free(v);
	return err;
}

static int sum(int fd, __u32 idx, int ncpus, unsigned long long *out)
{
	__u64 v[ncpus];

	if (bpf_map_lookup_elem(fd, &idx, v))
		return -errno;
	*out = 0;
	for (int i = 0; i < ncpus; i++)
		*out += v[i];
	return 0;
}

static void detach(struct bpf_link *link, struct bpf_tc_hook *hook,
		   struct bpf_tc_opts *opts, bool hook_made)
{
	bpf_link__destroy(link);
	if (opts->prog_id) {
		/* detach matches on handle and priority alone */
		opts->prog_fd = opts->prog_id = opts->flags = 0;
		bpf_tc_detach(hook, opts);
	}
	if (hook_made) {
		/* both points: the clsact qdisc made here goes too */
		hook->attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(hook);
	}
}

int main(int argc, char **argv)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, tc_opts, .handle = 1, .priority = 1);
	unsigned long long dropped = 0, passed = 0;
	struct xdp_sink_bpf *s;
	struct bpf_link *link = NULL;
	int ifindex, ncpus, fd, sig, err;
	bool tc = false, stamp = false, hook_made = false;
	struct hist lat;
	unsigned long port;
	sigset_t set;
	char *end;

	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "tc"))
			tc = true;
		else if (!strcmp(argv[i], "stamp"))
			stamp = true;
		else
			argc = 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: xdp_sink IFACE PORT [tc] [stamp]\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	port = strtoul(argv[2], &end, 10);
	if (!ifindex || *end || !port || port > 65535) {
		fprintf(stderr, "xdp_sink: bad interface %s or port %s\n",
			argv[1], argv[2]);
		return 2;
	}
	ncpus = libbpf_num_possible_cpus();
	s = xdp_sink_bpf__open();
	if (ncpus <= 0 || !s) {
		fprintf(stderr, "xdp_sink: open: %s\n", strerror(errno));
		return 1;
	}
	s->rodata->cfg_port = (__u16)port;
	s->rodata->cfg_stamp = stamp;
	if (xdp_sink_bpf__load(s)) {
		fprintf(stderr, "xdp_sink: load: %s\n", strerror(errno));
		goto fail;
	}
	/* block before attaching: a signal from then on is not lost */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (tc) {
		hook.ifindex = ifindex;
		hook.attach_point = BPF_TC_INGRESS;
		err = bpf_tc_hook_create(&hook);
		hook_made = !err;
		if (err && err != -EEXIST) {
			fprintf(stderr, "xdp_sink: clsact on %s: %s\n", argv[1],
				strerror(-err));
			goto fail;
		}
		tc_opts.prog_fd = bpf_program__fd(s->progs.tc_sink);
		err = bpf_tc_attach(&hook, &tc_opts);
		if (err) {
			fprintf(stderr, "xdp_sink: attach to %s (tc): %s\n",
				argv[1], strerror(-err));
			goto fail;
		}
	} else {
		link = bpf_program__attach_xdp(s->progs.xdp_sink, ifindex);
		if (!link) {
			fprintf(stderr,
				"xdp_sink: attach to %s (driver mode): %s\n",
				argv[1], strerror(errno));
			goto fail;
		}
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	detach(link, &hook, &tc_opts, hook_made);
	link = NULL;
	hook_made = false;
	fd = bpf_map__fd(s->maps.sink_counts);
	if (sum(fd, 0, ncpus, &dropped) || sum(fd, 1, ncpus, &passed)) {
		fprintf(stderr, "xdp_sink: read counters: %s\n",
			strerror(errno));
		goto fail;
	}
	printf("dropped=%llu passed=%llu", dropped, passed);
	if (stamp) {
		if (read_lat(bpf_map__fd(s->maps.sink_lat), ncpus, &lat)) {
			fprintf(stderr, "xdp_sink: read latency: %s\n",
				strerror(errno));
			goto fail;
		}
		printf(" stamped=%llu p50_ns=%llu p99_ns=%llu max_ns=%llu",
		       (unsigned long long)lat.count,
		       (unsigned long long)hist_quantile(&lat, 0.5),
		       (unsigned long long)hist_quantile(&lat, 0.99),
		       (unsigned long long)lat.max);
	}
	printf("\n");
	xdp_sink_bpf__destroy(s);
	return 0;
fail:
	detach(link, &hook, &tc_opts, hook_made);
	xdp_sink_bpf__destroy(s);
	return 1;
}
