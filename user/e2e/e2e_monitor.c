// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf bench e2e: the cause of the tail and the host's state, from our
 * own commands run as children. `rtbpf monitor --comm e2e-hot --threshold
 * DUR --json` watches the worker and the receiver (both carry that name)
 * during each cell; its spike reports (what ran on the thread's CPU while
 * it waited to run) are matched to the events they delayed, by the spike's
 * CLOCK_MONOTONIC stamps (see match_event). `rtbpf check --json` reports system-wide tuning
 * read-only: this command never applies any.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "e2e.h"
#include "header.h"
#include "log.h"

static void quiet_stderr(void)
{
	int fd;

	if (log_verbosity >= 1)
		return;
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		dup2(fd, 2);
}

static void msleep(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The whole of fd (a NUL after it): NULL when empty or unreadable. */
static char *read_all(int fd)
{
	struct stat st;
	char *buf;

	if (fstat(fd, &st) || !st.st_size)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	if (pread(fd, buf, (size_t)st.st_size, 0) != (ssize_t)st.st_size) {
		free(buf);
		return NULL;
	}
	buf[st.st_size] = '\0';
	return buf;
}

/* One NDJSON line as an object, or NULL (put it with json_object_put). */
static json_object *rec_parse(const char *line)
{
	json_object *o = json_tokener_parse(line);

	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* A string field of a record, "" when absent or not a string. */
static const char *rec_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* An unsigned field of a record, 0 when absent or not an integer. */
static uint64_t rec_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_uint64(v);
}

/* The monitor's error record says why it failed: shown as a warning. */
static bool mon_error(json_object *rec)
{
	if (strcmp(rec_str(rec, "type"), "error"))
		return false;
	log_warn("bench e2e: monitor failed: %s", rec_str(rec, "message"));
	return true;
}

/* Each complete line of buf in turn: 1 when its header was read, -1 when
 * it reported an error, 0 when neither yet. */
static int mon_started(char *buf)
{
	char *line, *next;
	int ret = 0;

	for (line = buf; line && (next = strchr(line, '\n')); line = next) {
		json_object *rec;

		*next++ = '\0';
		rec = rec_parse(line);
		if (!rec)
			continue;
		if (mon_error(rec))
			ret = -1;
		else if (!ret && !strcmp(rec_str(rec, "type"), "header"))
			ret = 1;
		json_object_put(rec);
	}
	return ret;
}

int e2e_mon_start(struct e2e_mon *m, const struct e2e_opts *o, bool pinned)
{
	char thr[32], cpus[32];
	pid_t parent = getpid();
	int status, err = -ETIMEDOUT;

	m->pid = -1;
	m->out_fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (m->out_fd < 0) {
		log_warn("bench e2e: monitor output file: %s", strerror(errno));
		return -errno;
	}
	snprintf(thr, sizeof(thr), "%lluns",
		 (unsigned long long)o->threshold_ns);
	snprintf(cpus, sizeof(cpus), "%d,%d", o->worker_cpu, o->rx_cpu);
	m->pid = fork();
	if (m->pid < 0) {
		log_warn("bench e2e: monitor: fork: %s", strerror(errno));
		return -errno;
	}
	if (m->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		dup2(m->out_fd, 1);
		quiet_stderr();
		/* Pinned: watch the worker's and receiver's CPUs only. */
		execl("/proc/self/exe", "rtbpf", "monitor", "--comm",
		      E2E_HOT_COMM, "--threshold", thr, "--json",
		      "--spike-rate", "100", pinned ? "--cpus" : (char *)NULL,
		      cpus, (char *)NULL);
		_exit(127);
	}
	/* Its header is printed once every program is attached. */
	for (int i = 0; i < 15000 && !e2e_stop; i++) {
		char *buf = read_all(m->out_fd);
		int started = buf ? mon_started(buf) : 0;

		free(buf);
		if (started > 0)
			return 0;
		if (started < 0) {
			err = -EIO;
			break;
		}
		if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
			log_warn("bench e2e: monitor exited before it started "
				 "(-v shows why); cell runs without it");
			m->pid = -1;
			err = -ECHILD;
			goto cleanup;
		}
		msleep(1);
	}
	if (err == -ETIMEDOUT)
		log_warn("bench e2e: monitor did not start; cell runs "
			 "without it");
	kill(m->pid, SIGKILL);
	waitpid(m->pid, &status, 0);
	m->pid = -1;
cleanup:
	close(m->out_fd);
	m->out_fd = -1;
	return err;
}

/* The parts of a spike record: what delayed the thread, longest first. */
static void parse_parts(json_object *rec, struct e2e_spike *s)
{
	json_object *parts;
	size_t n;

	s->nparts = 0;
	if (!json_object_object_get_ex(rec, "parts", &parts) ||
	    !json_object_is_type(parts, json_type_array))
		return;
	n = json_object_array_length(parts);
	for (size_t i = 0; i < n && s->nparts < E2E_PARTS; i++) {
		json_object *p = json_object_array_get_idx(parts, i);
		const char *name = rec_str(p, "comm");

		if (!*name)
			name = rec_str(p, "name");
		snprintf(s->parts[s->nparts].what,
			 sizeof(s->parts[s->nparts].what), "%s%s%s",
			 rec_str(p, "kind"), *name ? " " : "", name);
		s->parts[s->nparts].ns = rec_u64(p, "ns");
		s->nparts++;
	}
}

static void keep_spike(struct e2e_result *r, const struct e2e_spike *s)
{
	unsigned int i = r->nspikes;

	if (i == E2E_SPIKES) {
		if (s->latency_ns <= r->spikes[E2E_SPIKES - 1].latency_ns)
			return;
		i--;
	} else {
		r->nspikes++;
	}
	for (; i > 0 && r->spikes[i - 1].latency_ns < s->latency_ns; i--)
		r->spikes[i] = r->spikes[i - 1];
	r->spikes[i] = *s;
}

/*
 * The event a spike delayed. The spike's stamps are CLOCK_MONOTONIC like
 * ours, so the match is exact: a worker's wait ended at run_at and delayed
 * the first event it dequeued afterwards, if that event was queued by then;
 * a receiver's wait delayed the first event it received afterwards, if
 * that event was serialized by then. Warm-up events count too (the report
 * marks them). -1: it delayed no event.
 * The 1 us slack covers the BPF clock's fast accessor.
 */
static int64_t match_event(const struct e2e_spike *s, const struct e2e_tx *tx,
			   const struct e2e_rx *rx, uint64_t n)
{
	uint64_t best_t = UINT64_MAX, lo = s->at_ns - 1000;
	int64_t best = -1;

	for (uint64_t i = 0; i < n; i++) {
		const struct e2e_tx *t = &tx[i];
		uint64_t when = s->receiver ? rx[i].t_rx : t->t_deq;
		uint64_t from = s->receiver ? t->t_ser : t->t_enq;

		if (!when || !from || from > s->at_ns || when < lo)
			continue;
		if (when < best_t) {
			best_t = when;
			best = (int64_t)i;
		}
	}
	return best;
}

/* One spike record of the monitor, matched to the event it delayed. */
static void add_spike(struct e2e_result *r, json_object *rec,
		      const struct e2e_tx *tx, const struct e2e_rx *rx,
		      uint64_t n)
{
	struct e2e_spike s = { .seq = -1 };

	s.receiver = r->rx_pid > 0 &&
		     rec_u64(rec, "tid") == (uint64_t)r->rx_pid;
	if (s.receiver)
		r->rx_spikes_seen++;
	else
		r->spikes_seen++;
	s.latency_ns = rec_u64(rec, "latency_ns");
	s.accounted_ns = rec_u64(rec, "accounted_ns");
	s.at_ns = rec_u64(rec, "run_at_ns");
	parse_parts(rec, &s);
	s.seq = s.at_ns ? match_event(&s, tx, rx, n) : -1;
	keep_spike(r, &s);
}

void e2e_mon_stop(struct e2e_mon *m, struct e2e_result *r,
		  const struct e2e_tx *tx, const struct e2e_rx *rx, uint64_t n)
{
	char *buf, *line, *next;
	int status;

	if (m->pid > 0) {
		kill(m->pid, SIGINT);
		for (int i = 0; i < 500; i++) {
			if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
				m->pid = -1;
				break;
			}
			msleep(10);
		}
		if (m->pid > 0) {
			kill(m->pid, SIGKILL);
			waitpid(m->pid, &status, 0);
			m->pid = -1;
		}
	}
	if (m->out_fd < 0)
		return;
	buf = r ? read_all(m->out_fd) : NULL;
	for (line = buf; line && *line; line = next) {
		json_object *rec;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rec = rec_parse(line);
		if (rec && !mon_error(rec) &&
		    !strcmp(rec_str(rec, "type"), "spike"))
			add_spike(r, rec, tx, rx, n);
		json_object_put(rec);
	}
	free(buf);
	close(m->out_fd);
	m->out_fd = -1;
}

static const char *const check_stats[] = { "OK", "FAIL", "WARN", "INFO" };

/* Items per stage and status of `rtbpf check --json` read from f. */
struct check_tally {
	struct {
		char name[16];
		unsigned int n[4];
	} stages[16];
	unsigned int nst, tot[4];
};

static void tally_item(struct check_tally *t, json_object *rec)
{
	const char *stage = rec_str(rec, "stage"), *stat;
	unsigned int s, k;

	if (strcmp(rec_str(rec, "type"), "item") || !*stage)
		return;
	stat = rec_str(rec, "status");
	for (s = 0; s < 4 && strcmp(stat, check_stats[s]); s++)
		;
	if (s == 4)
		return;
	for (k = 0; k < t->nst && strcmp(t->stages[k].name, stage); k++)
		;
	if (k == t->nst && t->nst < 16)
		snprintf(t->stages[t->nst++].name, sizeof(t->stages[0].name),
			 "%s", stage);
	if (k < t->nst)
		t->stages[k].n[s]++;
	t->tot[s]++;
}

static void read_check(FILE *f, struct check_tally *t)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, f) > 0) {
		json_object *rec = rec_parse(line);

		if (rec)
			tally_item(t, rec);
		json_object_put(rec);
	}
	free(line);
}

static void check_json(struct json_w *w, char *const argv[], int cpu,
		       int status, const struct check_tally *t)
{
	struct cpuset cpus;

	cpuset_zero(&cpus);
	cpuset_add(&cpus, (unsigned int)cpu);
	json_obj_begin(w);
	json_kv_str(w, "type", "system_check");
	json_key(w, "argv");
	json_arr_begin(w);
	for (int i = 0; argv[i]; i++)
		json_str(w, argv[i]);
	json_arr_end(w);
	json_cpuset(w, "cpus", &cpus);
	json_kv_bool(w, "applied", false);
	json_kv_i64(w, "exit", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	json_key(w, "stages");
	json_arr_begin(w);
	for (unsigned int k = 0; k < t->nst; k++) {
		json_obj_begin(w);
		json_kv_str(w, "stage", t->stages[k].name);
		for (int s = 0; s < 4; s++)
			json_kv_u64(w, check_stats[s], t->stages[k].n[s]);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_end_record(w);
}

void e2e_report_check(const struct e2e_opts *o, struct json_w *w)
{
	struct check_tally t = {};
	char cpus[16];
	char *const argv[] = {
		"rtbpf", "check", "--cpus", cpus, "--json", NULL
	};
	int fds[2], status = 0;
	pid_t pid;
	FILE *f;

	snprintf(cpus, sizeof(cpus), "%d", o->worker_cpu);
	if (pipe2(fds, O_CLOEXEC))
		return;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		quiet_stderr();
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f) {
		read_check(f, &t);
		fclose(f);
	} else {
		close(fds[0]);
	}
	waitpid(pid, &status, 0);
	if (o->json) {
		check_json(w, argv, o->worker_cpu, status, &t);
		return;
	}
	printf("\nsystem-wide tuning, reported by 'rtbpf check --cpus %s' "
	       "(read only,\nnot applied): %u ok, %u fail, %u warn\n",
	       cpus, t.tot[0], t.tot[1], t.tot[2]);
	for (unsigned int k = 0; k < t.nst; k++)
		printf("  %-10s %3u ok %3u fail %3u warn\n", t.stages[k].name,
		       t.stages[k].n[0], t.stages[k].n[1], t.stages[k].n[2]);
}
