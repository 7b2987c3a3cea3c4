// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf bench e2e: a cell's sender thread. From namespace A it opens the
 * transport (<rtbpf/xsk.h>: AF_XDP, or its kernel UDP socket mode) and a
 * one-worker dispatcher (futex wait mode: a FIFO worker sleeps, never
 * spins), then paces events into it; the worker stamps, serializes each
 * into a pool buffer and sends it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <rtbpf/dispatch.h>

#include "e2e_cell.h"
#include "log.h"

static void cell_fail(struct cell *c, int err, const char *step)
{
	snprintf(c->why, sizeof(c->why), "%s: %s", step, strerror(-err));
	atomic_store(&c->state, -1);
}

static int send_retry(struct cell *c, const void *buf, size_t len)
{
	int err = -EAGAIN;

	/* A full TX ring or no free frame clears once completions are
	 * reaped; bounded, never an endless spin. */
	for (int i = 0; i < 1000; i++) {
		err = rtbpf_xsk__send(c->x, buf, len);
		if (err != -EAGAIN && err != -ENOBUFS)
			break;
		rtbpf_xsk__reap(c->x);
	}
	return err;
}

static void worker_fn(void *ctx, unsigned int wi, const struct rtbpf_msg *m,
		      unsigned int n)
{
	struct cell *c = ctx;
	size_t data_len = c->o->size;

	(void)wi;
	for (unsigned int i = 0; i < n; i++) {
		struct rtbpf_event *ev = m[i].ptr;
		struct e2e_tx *t;
		uint64_t stamps[2];
		void *buf;
		int len, err;

		if (!ev) {
			/* Set-up message: runs on the worker before any
			 * measured event. */
			rtbpf_pool_cache__init(&c->cache, c->pool);
			if (c->r->cfg.tuned) {
				err = e2e_tune_thread(-1, c->o->priority);
				if (err)
					log_warn("bench e2e: worker FIFO: %s",
						 strerror(-err));
			}
			prctl(PR_SET_NAME, E2E_HOT_COMM);
			atomic_store(&c->worker_tid, (int)gettid());
			continue;
		}
		t = &c->tx[ev->seq];
		t->t_enq = m[i].ts_ns;
		t->t_deq = now_ns();
		stamps[0] = t->t_enq;
		stamps[1] = t->t_deq;
		memcpy(c->data, stamps, sizeof(stamps));
		ev->data = c->data;
		ev->data_len = (uint32_t)data_len;
		buf = rtbpf_pool__get(c->pool, &c->cache,
				      rtbpf_event__size(ev));
		if (!buf) {
			t->err = -errno;
			c->send_err++;
			continue;
		}
		len = rtbpf_event__write(ev, buf, rtbpf_event__size(ev));
		t->t_ser = now_ns();
		err = len < 0 ? len : send_retry(c, buf, (size_t)len);
		t->t_sent = now_ns();
		rtbpf_pool__put(c->pool, &c->cache, buf);
		t->err = err;
		if (err)
			c->send_err++;
	}
}

static void generate(struct cell *c, struct rtbpf_dispatch *d)
{
	uint64_t period = 1000000000ULL / c->o->rate;
	uint64_t start = now_ns() + 1000000;

	for (uint64_t i = 0; i < c->n_total && !e2e_stop; i++) {
		uint64_t next = start + i * period;
		struct timespec ts = { .tv_sec = (time_t)(next / 1000000000ULL),
				       .tv_nsec =
					       (long)(next % 1000000000ULL) };
		struct rtbpf_event *ev = &c->ev[i];
		uint64_t t_gen;
		int err;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR &&
		       !e2e_stop)
			;
		/* The strategy decides: an order, stamped. */
		t_gen = now_ns();
		ev->type = 1;
		ev->flags = 0;
		ev->seq = i;
		ev->key = i % 16;
		ev->ts_ns = t_gen;
		ev->price = 1000000 + (int64_t)(i % 100);
		ev->qty = 100;
		c->tx[i].t_gen = t_gen;
		err = rtbpf_dispatch__push(d, ev->key, ev);
		if (err) {
			c->tx[i].err = err;
			c->overflow++;
		}
	}
}

/* From namespace A, the transport into c->x: AF_XDP, or the library's
 * kernel UDP socket mode. 0, or -errno (the cell failed). */
static int open_transport(struct cell *c)
{
	char errbuf[160] = "";
	struct rtbpf_xsk_opts xo = {
		.ifname = "veth0",
		.mode = c->r->cfg.tr == TR_UDP ?
				RTBPF_XSK_SOCKET :
				(enum rtbpf_xsk_mode)c->o->xsk_mode,
		.src_ip = c->net->ip_a,
		.src_port = E2E_PORT,
		.dst_ip = c->net->ip_b,
		.dst_port = E2E_PORT,
		.src_mac_set = true,
		.dst_mac_set = true,
		.errbuf = errbuf,
		.errlen = sizeof(errbuf),
	};
	int err;

	memcpy(xo.src_mac, c->net->mac_a, 6);
	memcpy(xo.dst_mac, c->net->mac_b, 6);
	if (setns(c->net->fd_a, CLONE_NEWNET)) {
		err = -errno;
		cell_fail(c, err, "entering namespace A");
		return err;
	}
	c->x = rtbpf_xsk__create(&xo);
	if (!c->x) {
		err = -errno;
		snprintf(c->why, sizeof(c->why), "opening %s: %s",
			 c->r->cfg.tr == TR_UDP ? "UDP socket" : "AF_XDP",
			 *errbuf ? errbuf : strerror(-err));
		atomic_store(&c->state, -1);
		return err;
	}
	snprintf(c->mode, sizeof(c->mode), "%s",
		 rtbpf_xsk_mode_str(rtbpf_xsk__mode(c->x, NULL)));
	return 0;
}

/* The buffer pool into c->pool and a one-worker dispatcher running
 * worker_fn; NULL when either failed (the cell failed). */
static struct rtbpf_dispatch *open_dispatch(struct cell *c)
{
	bool tuned = c->r->cfg.tuned;
	struct rtbpf_pool_cfg pc = {
		.buf_size = RTBPF_EVENT_HDR + c->o->size,
		.n_bufs = 256,
		.flags = tuned ? RTBPF_POOL_F_MLOCK : 0,
	};
	enum rtbpf_wait wait = RTBPF_WAIT_FUTEX;
	struct rtbpf_dispatch_cfg dc = {
		.n_workers = 1,
		.cpus = tuned ? &c->o->worker_cpu : NULL,
		.waits = &wait,
		.ring_size = 4096,
		.batch = 32,
		.single_producer = true,
		.fn = worker_fn,
		.ctx = c,
	};
	struct rtbpf_dispatch *d;

	c->pool = rtbpf_pool__new(&pc);
	if (!c->pool) {
		cell_fail(c, -errno, "buffer pool");
		return NULL;
	}
	d = rtbpf_dispatch__new(&dc);
	if (!d)
		cell_fail(c, -errno, "dispatcher");
	return d;
}

/* Sends the worker its set-up message and waits up to 5 s until it has
 * run it. 0, or -ETIMEDOUT (the cell failed). */
static int start_worker(struct cell *c, struct rtbpf_dispatch *d)
{
	rtbpf_dispatch__push(d, 0, NULL);
	for (int i = 0; i < 5000 && !atomic_load(&c->worker_tid); i++)
		sleep_ns(1000000);
	if (!atomic_load(&c->worker_tid)) {
		cell_fail(c, -ETIMEDOUT, "worker start");
		return -ETIMEDOUT;
	}
	return 0;
}

/* After the last event: the worker drains its ring and is joined, then
 * every frame comes back from the completion ring (before destroy), for
 * at most 0.5 s. */
static void drain(struct cell *c, struct rtbpf_dispatch *d)
{
	struct rtbpf_xsk_stats st;
	uint64_t until;

	/* Teardown must not hold off the receiver of the last events,
	 * which shares our CPU and priority. */
	if (c->r->cfg.tuned) {
		struct sched_param sp = { .sched_priority = 0 };

		sched_setscheduler(0, SCHED_OTHER, &sp);
	}
	rtbpf_dispatch__stop(d, RTBPF_STOP_DRAIN);
	rtbpf_dispatch__join(d, NULL);
	until = now_ns() + 500000000ULL;
	while (!rtbpf_xsk__stats(c->x, &st) && st.completed < st.submitted &&
	       st.mode != RTBPF_XSK_SOCKET && now_ns() < until) {
		rtbpf_xsk__reap(c->x);
		sleep_ns(100000);
	}
}

void *e2e_sender_main(void *arg)
{
	struct cell *c = arg;
	struct rtbpf_dispatch *d;
	int err;

	if (open_transport(c))
		return NULL;
	d = open_dispatch(c);
	if (!d)
		goto cleanup;
	if (c->r->cfg.tuned) {
		err = e2e_tune_thread(c->o->gen_cpu, c->o->priority - 1);
		if (err)
			log_warn("bench e2e: generator tuning: %s",
				 strerror(-err));
	}
	if (start_worker(c, d))
		goto cleanup;
	atomic_store(&c->state, 1);
	while (!atomic_load(&c->go) && !e2e_stop)
		sleep_ns(1000000);
	if (!e2e_stop)
		generate(c, d);
	drain(c, d);
	atomic_store(&c->state, 2);
cleanup:
	if (d)
		rtbpf_dispatch__free(d);
	if (c->cache.pool)
		rtbpf_pool_cache__fini(&c->cache);
	rtbpf_pool__free(c->pool);
	c->pool = NULL;
	rtbpf_xsk__destroy(c->x);
	c->x = NULL;
	return NULL;
}
