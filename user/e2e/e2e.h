/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rtbpf bench e2e: end-to-end latency of one order event, from the moment
 * a generator thread decides to the moment a receiver in a peer network
 * namespace has the datagram, split into stages.
 *
 * Timestamps (all CLOCK_MONOTONIC, one host, vDSO reads):
 *   t_gen   generator decides (after its paced sleep), fills the event
 *   t_enq   rtbpf_dispatch__push() stamps the ring message
 *   t_deq   the worker starts on this event (batch order)
 *   t_ser   rtbpf_event__write() into a pool buffer returned
 *   t_sent  rtbpf_xsk__send() (AF_XDP copy/zero-copy, or the library's
 *           kernel UDP socket mode) returned
 *   t_rx    the receiver's recv(2) returned in the peer namespace
 * Stages are the differences of consecutive stamps, so per event they add
 * up to t_rx - t_gen exactly; the check compares that sum against t_rx
 * minus the t_gen carried in the payload (tolerance E2E_SUM_TOL_NS).
 */
#ifndef RTBPF_E2E_H
#define RTBPF_E2E_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "clock.h"
#include "hist.h"
#include "json.h"

#define E2E_SUM_TOL_NS 0 /* stages telescope: exact */
#define E2E_PORT 9300
#define E2E_WORST 5 /* worst events kept per cell */
#define E2E_SPIKES 5 /* worst monitor spikes kept per cell */
#define E2E_PARTS 6 /* spike parts kept */
/* Name of the worker thread and the receiver: the monitor watches both. */
#define E2E_HOT_COMM "e2e-hot"

enum e2e_stage {
	ST_GEN_ENQ,
	ST_QUEUE,
	ST_SER,
	ST_SEND,
	ST_WIRE,
	ST_E2E,
	ST_N,
};

extern const char *const e2e_stage_names[ST_N];

enum e2e_transport { TR_XSK = 0, TR_UDP = 1 };

/* One cell of the matrix: a transport, tuned or not. */
struct e2e_cell_cfg {
	enum e2e_transport tr;
	bool tuned;
};

struct e2e_opts {
	uint64_t rate; /* events per second */
	uint64_t events; /* measured events per cell and round */
	uint64_t warmup; /* events sent first and not measured */
	uint64_t rounds; /* the matrix is run this many times, interleaved */
	uint64_t size; /* extra payload bytes after the event header */
	unsigned int transports; /* bit per enum e2e_transport */
	unsigned int tunings; /* bit 0 untuned, bit 1 tuned */
	int gen_cpu, worker_cpu, rx_cpu;
	int priority; /* worker's FIFO priority: generator -1, receiver +1 */
	uint64_t threshold_ns; /* monitor spike threshold */
	bool monitor;
	bool check;
	bool json;
	bool keep_going;
	int xsk_mode; /* enum rtbpf_xsk_mode for the xsk transport */
	const char *plot;
};

/* Network set-up (e2e_netns.c). */
struct e2e_net {
	char ns_a[32], ns_b[32];
	int fd_a, fd_b; /* namespace fds, -1 when not open */
	bool created_a, created_b;
	uint32_t ip_a, ip_b; /* network order */
	uint8_t mac_a[6], mac_b[6];
};

/* Sender-side stamps of one event (private memory). */
struct e2e_tx {
	uint64_t t_gen, t_enq, t_deq, t_ser, t_sent;
	int32_t err; /* 0, or -errno of push or send */
	uint32_t pad;
};

/* Receiver-side record of one event (shared with the receiver child). */
struct e2e_rx {
	uint64_t t_rx; /* first arrival */
	uint64_t t_gen; /* as carried in the payload */
	uint32_t count; /* arrivals: 1 expected */
	uint32_t pad;
};

struct e2e_spike {
	uint64_t latency_ns, accounted_ns;
	uint64_t at_ns; /* when the thread ran: CLOCK_MONOTONIC, as ours */
	int64_t seq; /* event it overlapped, -1 none */
	bool receiver; /* the receiver waited (else the worker) */
	unsigned int nparts;
	struct {
		char what[40];
		uint64_t ns;
	} parts[E2E_PARTS];
};

/* Results of one cell, merged over rounds. */
struct e2e_result {
	struct e2e_cell_cfg cfg;
	char mode[16]; /* transport mode reached */
	uint64_t sent, received, lost, dup, bad, send_err, overflow;
	uint64_t sum_bad; /* events whose stages missed the tolerance */
	uint64_t max_sum_err_ns;
	uint64_t arrived_in_send; /* receiver had it before send returned */
	struct hist h[ST_N];
	struct {
		uint64_t seq, st[ST_N];
	} worst[E2E_WORST];
	unsigned int nworst;
	struct e2e_spike spikes[E2E_SPIKES];
	unsigned int nspikes;
	uint64_t spikes_seen; /* the worker's */
	uint64_t rx_spikes_seen; /* the receiver's */
	pid_t worker_tid, rx_pid;
	bool ran, failed;
	char why[128];
	/* Every measured end-to-end value (ns) for the CDF plot. */
	uint64_t *e2e_ns;
	uint64_t n_e2e;
};

/* The signal that stopped the run, or 0. Set by the signal handler and
 * read by the sender thread as well as the main one: a lock-free atomic,
 * which a handler may set (C11 7.14.1.1) and another thread may read
 * without a data race (a volatile sig_atomic_t is only for the thread
 * the handler interrupts). */
extern atomic_int e2e_stop;

const char *e2e_cell_name(const struct e2e_cell_cfg *c);

int e2e_net_up(struct e2e_net *n);
void e2e_net_down(struct e2e_net *n);
void e2e_net_gc(void);

/* Runs one cell once, merging into r. 0, or -errno (r->why says). */
int e2e_cell_run(const struct e2e_opts *o, const struct e2e_net *n,
		 struct e2e_result *r);

/* Adds events [first, n) to r: loss, duplicates, stages (e2e_report.c). */
void e2e_account(struct e2e_result *r, const struct e2e_tx *tx,
		 const struct e2e_rx *rx, uint64_t first, uint64_t n);

/* Monitor child (e2e_monitor.c). */
struct e2e_mon {
	pid_t pid;
	int out_fd; /* its stdout (a temporary file) */
};
/* Watches the threads named E2E_HOT_COMM (worker and receiver); pinned:
 * only the worker's and receiver's CPUs. */
int e2e_mon_start(struct e2e_mon *m, const struct e2e_opts *o, bool pinned);
/* Stops it and merges its worst spikes into r (r->rx_pid tells the
 * receiver's from the worker's), matched to the events they delayed. */
void e2e_mon_stop(struct e2e_mon *m, struct e2e_result *r,
		  const struct e2e_tx *tx, const struct e2e_rx *rx, uint64_t n);
/* `rtbpf check` read-only, summarized: into the table or JSON. */
void e2e_report_check(const struct e2e_opts *o, struct json_w *w);

/* Output (e2e_report.c). */
void e2e_report_header(const struct e2e_opts *o, const struct e2e_net *n,
		       struct json_w *w);
void e2e_report(const struct e2e_opts *o, struct e2e_result *r, unsigned int nr,
		struct json_w *w);
int e2e_plot(const char *path, struct e2e_result *r, unsigned int nr);
/* The goal: xsk-tuned e2e p99 <= 0.6 x udp-untuned e2e p99, no loss. */
int e2e_goal(struct e2e_result *r, unsigned int nr, double *ratio);

#endif
