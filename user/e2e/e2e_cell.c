// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf bench e2e: one cell of the matrix. A sender thread (e2e_send.c)
 * enters namespace A, opens the transport (<rtbpf/xsk.h>: AF_XDP, or its
 * kernel UDP socket mode), starts a one-worker dispatcher (futex wait
 * mode: a FIFO worker sleeps, never spins) and paces events into it; the
 * worker serializes each into a pool buffer and sends it. A receiver child
 * forked into namespace B timestamps each arrival into shared memory.
 *
 * Tuned cells apply process-local tuning only, as `rtbpf run` does:
 * SCHED_FIFO for the worker (priority P), the generator (P - 1) and the
 * receiver (P + 1: it stands for the peer host, so on a shared CPU it must
 * not wait for the client's own threads; it blocks in recv(2) between
 * datagrams), each pinned to its CPU, and mlockall(). Untuned cells run
 * SCHED_OTHER, unpinned, unlocked. Nothing system-wide is changed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <rtbpf/event.h>

#include "e2e_cell.h"
#include "log.h"

int e2e_tune_thread(int cpu, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t set;

	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return -errno;
	}
	if (prio > 0 && sched_setscheduler(0, SCHED_FIFO, &sp))
		return -errno;
	return 0;
}

/* The receiver child: exits, never returns. */
static _Noreturn void receiver_main(struct cell *c, int ready_fd, pid_t parent)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(E2E_PORT),
				  .sin_addr.s_addr = c->net->ip_b };
	struct timeval tv = { .tv_usec = 20000 };
	int rcvbuf = 4 << 20, s;
	uint8_t buf[2048];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	prctl(PR_SET_NAME, E2E_HOT_COMM);
	if (setns(c->net->fd_b, CLONE_NEWNET))
		_exit(2);
	if (c->r->cfg.tuned) {
		if (e2e_tune_thread(c->o->rx_cpu, c->o->priority + 1))
			_exit(3);
		mlockall(MCL_CURRENT | MCL_FUTURE);
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		_exit(4);
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (write(ready_fd, "r", 1) != 1)
		_exit(5);
	close(ready_fd);
	while (!atomic_load_explicit(&c->sh->stop, memory_order_acquire)) {
		ssize_t len = recv(s, buf, sizeof(buf), 0);
		uint64_t t = now_ns();
		struct rtbpf_event ev;
		struct e2e_rx *rx;

		if (len < 0)
			continue;
		if (rtbpf_event__read(&ev, buf, (size_t)len) < 0) {
			c->sh->bad++;
			continue;
		}
		if (ev.seq >= c->n_total) {
			c->sh->range++;
			continue;
		}
		rx = &c->sh->rx[ev.seq];
		if (!rx->count) {
			rx->t_rx = t;
			rx->t_gen = ev.ts_ns;
		} else {
			c->sh->dup++;
		}
		rx->count++;
		c->sh->received++;
	}
	_exit(0);
}

static void *map_zero(size_t len, bool shared)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
			       MAP_POPULATE,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int stop_receiver(struct cell *c, pid_t pid)
{
	int status = 0;

	atomic_store(&c->sh->stop, 1);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		sleep_ns(5000000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void cell_free(struct cell *c)
{
	if (c->locked)
		munlockall();
	if (c->tx)
		munmap(c->tx, c->n_total * sizeof(*c->tx));
	if (c->ev)
		munmap(c->ev, c->n_total * sizeof(*c->ev));
	if (c->sh)
		munmap(c->sh, c->sh_len);
	free(c);
}

/* A cell of o's events into r: its memory mapped (and, tuned, locked).
 * NULL when memory is short (r->why says, but for the cell itself). */
static struct cell *cell_new(const struct e2e_opts *o, const struct e2e_net *n,
			     struct e2e_result *r)
{
	struct cell *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->o = o;
	c->net = n;
	c->r = r;
	c->n_total = o->warmup + o->events;
	c->sh_len = sizeof(*c->sh) + c->n_total * sizeof(struct e2e_rx);
	c->tx = map_zero(c->n_total * sizeof(*c->tx), false);
	c->ev = map_zero(c->n_total * sizeof(*c->ev), false);
	c->sh = map_zero(c->sh_len, true);
	if (!c->tx || !c->ev || !c->sh) {
		snprintf(r->why, sizeof(r->why), "memory for %llu events",
			 (unsigned long long)c->n_total);
		cell_free(c);
		return NULL;
	}
	if (r->cfg.tuned) {
		if (mlockall(MCL_CURRENT | MCL_FUTURE))
			log_warn("bench e2e: mlockall: %s", strerror(errno));
		else
			c->locked = true;
	}
	return c;
}

/* Forks the receiver into namespace B (*pid, and r->rx_pid) and waits
 * until it listens. 0, or -errno (r->why says; *pid is set once forked). */
static int start_receiver(struct cell *c, pid_t *pid)
{
	struct e2e_result *r = c->r;
	int fds[2], err = 0;
	char ch;

	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		snprintf(r->why, sizeof(r->why), "pipe: %s", strerror(errno));
		return err;
	}
	/* The receiver must not inherit unwritten output: a sanitizer's
	 * _exit (TSan's) flushes it a second time. */
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		err = -errno;
		snprintf(r->why, sizeof(r->why), "fork: %s", strerror(errno));
	} else if (*pid == 0) {
		close(fds[0]);
		receiver_main(c, fds[1], getppid());
	} else {
		r->rx_pid = *pid;
		close(fds[1]);
		fds[1] = -1;
		if (read(fds[0], &ch, 1) != 1) {
			err = -EIO;
			snprintf(r->why, sizeof(r->why),
				 "receiver in %s did not start", c->net->ns_b);
		}
	}
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return err;
}

/* Runs the sender thread to its end: once its worker is up, starts the
 * monitor (o->monitor) and lets it generate. 0, or -errno (r->why). */
static int run_sender(struct cell *c, struct e2e_mon *mon)
{
	const struct e2e_opts *o = c->o;
	struct e2e_result *r = c->r;
	pthread_t th;
	int err;

	err = -pthread_create(&th, NULL, e2e_sender_main, c);
	if (err) {
		snprintf(r->why, sizeof(r->why), "sender thread: %s",
			 strerror(-err));
		return err;
	}
	while (atomic_load(&c->state) == 0 && !e2e_stop)
		sleep_ns(1000000);
	if (atomic_load(&c->state) == 1) {
		r->worker_tid = atomic_load(&c->worker_tid);
		if (o->monitor && !e2e_stop)
			e2e_mon_start(mon, o, r->cfg.tuned);
		atomic_store(&c->go, 1);
	}
	pthread_join(th, NULL);
	if (atomic_load(&c->state) < 0) {
		snprintf(r->why, sizeof(r->why), "%s", c->why);
		return -EIO;
	}
	return 0;
}

/* Gives the last datagrams up to a second to arrive. Returns how many
 * events were made: they are made in order, so those of a stopped run are
 * the first ones. */
static uint64_t await_arrivals(const struct cell *c)
{
	uint64_t sent = 0, made = 0, until;

	for (uint64_t i = 0; i < c->n_total; i++) {
		sent += c->tx[i].t_gen && !c->tx[i].err;
		if (c->tx[i].t_gen)
			made = i + 1;
	}
	until = now_ns() + 1000000000ULL;
	while (atomic_load(&c->sh->received) < sent && now_ns() < until &&
	       !e2e_stop)
		sleep_ns(1000000);
	return made;
}

/* The run's counts, stages and (mon running) spikes into r. */
static void cell_merge(const struct cell *c, struct e2e_mon *mon, uint64_t made)
{
	struct e2e_result *r = c->r;

	snprintf(r->mode, sizeof(r->mode), "%s", c->mode);
	r->overflow += c->overflow;
	r->send_err += c->send_err;
	r->dup += c->sh->dup;
	r->bad += c->sh->bad + c->sh->range;
	e2e_account(r, c->tx, c->sh->rx, c->o->warmup, c->n_total);
	if (mon->pid > 0)
		e2e_mon_stop(mon, r, c->tx, c->sh->rx, made);
}

int e2e_cell_run(const struct e2e_opts *o, const struct e2e_net *n,
		 struct e2e_result *r)
{
	struct e2e_mon mon = { .pid = -1, .out_fd = -1 };
	struct cell *c = cell_new(o, n, r);
	pid_t rx_pid = -1;
	uint64_t made;
	int err, rx_rc;

	if (!c)
		return -ENOMEM;
	err = start_receiver(c, &rx_pid);
	if (err)
		goto cleanup;
	err = run_sender(c, &mon);
	if (err)
		goto cleanup;
	made = await_arrivals(c);
	rx_rc = stop_receiver(c, rx_pid);
	rx_pid = -1;
	if (rx_rc) {
		err = -EIO;
		snprintf(r->why, sizeof(r->why), "receiver exited with %d",
			 rx_rc);
		goto cleanup;
	}
	cell_merge(c, &mon, made);
	if (e2e_stop)
		err = -EINTR;
	r->ran = true;
cleanup:
	if (mon.pid > 0)
		e2e_mon_stop(&mon, NULL, NULL, NULL, 0);
	if (rx_pid > 0)
		stop_receiver(c, rx_pid);
	cell_free(c);
	return err;
}
