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

#include "e2e.h"
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

int e2e_mon_start(struct e2e_mon *m, const struct e2e_opts *o, bool pinned)
{
	char thr[32], cpus[32], buf[4096];
	pid_t parent = getpid();
	int status;

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
	for (int i = 0; i < 15000; i++) {
		ssize_t len = pread(m->out_fd, buf, sizeof(buf) - 1, 0);

		if (len > 0) {
			buf[len] = '\0';
			if (strstr(buf, "\"type\":\"header\"")) {
				return 0;
			}
		}
		if (waitpid(m->pid, &status, WNOHANG) == m->pid) {
			log_warn("bench e2e: monitor exited before it started "
				 "(-v shows why); cell runs without it");
			m->pid = -1;
			return -ECHILD;
		}
		if (e2e_stop)
			break;
		msleep(1);
	}
	log_warn("bench e2e: monitor did not start; cell runs without it");
	kill(m->pid, SIGKILL);
	waitpid(m->pid, &status, 0);
	m->pid = -1;
	return -ETIMEDOUT;
}

static uint64_t field_u64(const char *s, const char *end, const char *key)
{
	char pat[48];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(s, pat);
	if (!p || (end && p >= end))
		return 0;
	return strtoull(p + strlen(pat), NULL, 10);
}

/* Copies the string value of key in [s, end) into out. */
static bool field_str(const char *s, const char *end, const char *key,
		      char *out, size_t len)
{
	char pat[48];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(s, pat);
	if (!p || p >= end)
		return false;
	p += strlen(pat);
	q = strchr(p, '"');
	if (!q || q > end)
		return false;
	snprintf(out, len, "%.*s", (int)(q - p), p);
	return true;
}

static void parse_parts(const char *line, struct e2e_spike *s)
{
	const char *p = strstr(line, "\"parts\":[");

	s->nparts = 0;
	while (p && s->nparts < E2E_PARTS) {
		const char *o = strchr(p, '{'), *end, *close = strchr(p, ']');
		char kind[16] = "", name[24] = "";

		if (!o || (close && close < o))
			break;
		end = strchr(o, '}');
		if (!end)
			break;
		field_str(o, end, "kind", kind, sizeof(kind));
		if (!field_str(o, end, "comm", name, sizeof(name)))
			field_str(o, end, "name", name, sizeof(name));
		snprintf(s->parts[s->nparts].what,
			 sizeof(s->parts[s->nparts].what), "%s%s%s", kind,
			 *name ? " " : "", name);
		s->parts[s->nparts].ns = field_u64(o, end, "ns");
		s->nparts++;
		p = end + 1;
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

void e2e_mon_stop(struct e2e_mon *m, struct e2e_result *r,
		  const struct e2e_tx *tx, const struct e2e_rx *rx, uint64_t n)
{
	struct stat st;
	char *buf = NULL, *line, *next;
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
	if (!r || fstat(m->out_fd, &st) || !st.st_size)
		goto cleanup;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf ||
	    pread(m->out_fd, buf, (size_t)st.st_size, 0) != (ssize_t)st.st_size)
		goto cleanup;
	buf[st.st_size] = '\0';
	for (line = buf; line && *line; line = next) {
		struct e2e_spike s = { .seq = -1 };

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strstr(line, "\"type\":\"spike\""))
			continue;
		s.receiver = r->rx_pid > 0 && field_u64(line, NULL, "tid") ==
						      (uint64_t)r->rx_pid;
		if (s.receiver)
			r->rx_spikes_seen++;
		else
			r->spikes_seen++;
		s.latency_ns = field_u64(line, NULL, "latency_ns");
		s.accounted_ns = field_u64(line, NULL, "accounted_ns");
		s.at_ns = field_u64(line, NULL, "run_at_ns");
		parse_parts(line, &s);
		s.seq = s.at_ns ? match_event(&s, tx, rx, n) : -1;
		keep_spike(r, &s);
	}
cleanup:
	free(buf);
	close(m->out_fd);
	m->out_fd = -1;
}

void e2e_report_check(const struct e2e_opts *o, struct json_w *w)
{
	static const char *const stats[] = { "OK", "FAIL", "WARN", "INFO" };
	struct {
		char name[16];
		unsigned int n[4];
	} stages[16] = {};
	unsigned int nst = 0, tot[4] = {};
	char cpus[16], *line = NULL;
	size_t cap = 0;
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
		execl("/proc/self/exe", "rtbpf", "check", "--cpus", cpus,
		      "--json", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	while (f && getline(&line, &cap, f) > 0) {
		char stage[16] = "", stat[8] = "";
		const char *end = line + strlen(line);
		unsigned int s, k;

		if (!strstr(line, "\"type\":\"item\"") ||
		    !field_str(line, end, "stage", stage, sizeof(stage)) ||
		    !field_str(line, end, "status", stat, sizeof(stat)))
			continue;
		for (s = 0; s < 4 && strcmp(stat, stats[s]); s++)
			;
		if (s == 4)
			continue;
		for (k = 0; k < nst && strcmp(stages[k].name, stage); k++)
			;
		if (k == nst && nst < 16)
			snprintf(stages[nst++].name, sizeof(stages[0].name),
				 "%s", stage);
		if (k < nst)
			stages[k].n[s]++;
		tot[s]++;
	}
	free(line);
	if (f)
		fclose(f);
	else
		close(fds[0]);
	waitpid(pid, &status, 0);
	if (o->json) {
		json_obj_begin(w);
		json_kv_str(w, "type", "system_check");
		json_kv_str(w, "command", "rtbpf check --json --cpus");
		json_kv_str(w, "cpus", cpus);
		json_kv_bool(w, "applied", false);
		json_kv_i64(w, "exit",
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		json_key(w, "stages");
		json_arr_begin(w);
		for (unsigned int k = 0; k < nst; k++) {
			json_obj_begin(w);
			json_kv_str(w, "stage", stages[k].name);
			for (int s = 0; s < 4; s++)
				json_kv_u64(w, stats[s], stages[k].n[s]);
			json_obj_end(w);
		}
		json_arr_end(w);
		json_obj_end(w);
		json_end_record(w);
		return;
	}
	printf("\nsystem-wide tuning, reported by 'rtbpf check --cpus %s' "
	       "(read only,\nnot applied): %u ok, %u fail, %u warn\n",
	       cpus, tot[0], tot[1], tot[2]);
	for (unsigned int k = 0; k < nst; k++)
		printf("  %-10s %3u ok %3u fail %3u warn\n", stages[k].name,
		       stages[k].n[0], stages[k].n[1], stages[k].n[2]);
}
