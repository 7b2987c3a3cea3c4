/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf bench e2e, inside one cell (e2e_cell.c runs it, e2e_send.c is its
 * sender thread): the state the cell's threads and its receiver child
 * share. Private to these two files.
 */
#ifndef RTBPF_E2E_CELL_H
#define RTBPF_E2E_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <rtbpf/event.h>
#include <rtbpf/pool.h>
#include <rtbpf/xsk.h>

#include "e2e.h"

#define E2E_DATA_MAX 1024

/* Mapped shared with the receiver child: what it received, by seq. */
struct rx_shared {
	_Atomic uint64_t received, dup, bad, range;
	_Atomic int stop;
	struct e2e_rx rx[];
};

/* One run of a cell. The atomics are written by one thread (worker_tid
 * by the worker, state by the sender, go by the main thread) and read by
 * another. */
struct cell {
	const struct e2e_opts *o;
	const struct e2e_net *net;
	struct e2e_result *r;
	uint64_t n_total;
	struct e2e_tx *tx;
	struct rtbpf_event *ev;
	struct rx_shared *sh;
	size_t sh_len;
	struct rtbpf_xsk *x;
	struct rtbpf_pool *pool;
	struct rtbpf_pool_cache cache;
	uint8_t data[E2E_DATA_MAX];
	_Atomic int worker_tid;
	_Atomic int state; /* 0 starting, 1 ready, 2 done, -1 failed */
	_Atomic int go;
	bool locked; /* mlockall() done: undone at the end */
	uint64_t overflow, send_err;
	char mode[16];
	char why[128];
};

static inline void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ULL),
			       .tv_nsec = (long)(ns % 1000000000ULL) };

	nanosleep(&ts, NULL);
}

/* Process-local tuning of the calling thread: pin to cpu (-1: not), then
 * SCHED_FIFO at prio (0: not). 0, or -errno. */
int e2e_tune_thread(int cpu, int prio);

/* The sender thread (arg: the cell): opens the transport and the worker,
 * sets state 1 (ready), generates once go is set, drains, sets state 2
 * (done), or -1 (failed, why says). */
void *e2e_sender_main(void *arg);

#endif
