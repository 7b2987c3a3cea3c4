// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A command as an exporter: --listen and --textfile wired to its loop
 * (expo.h builds the pages, httpd.h serves them). */
#define _GNU_SOURCE
#include "expo.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "httpd.h"
#include "log.h"
#include "privs.h"

int expo_cmd_bind(struct expo_cmd *x, const char *cmd, const char *listen,
		  const char *textfile)
{
	int err;

	memset(x, 0, sizeof(*x));
	x->cmd = cmd;
	x->listen = listen;
	x->textfile = textfile;
	x->listen_fd = -1;
	if (!listen && !textfile)
		return 0;
	err = expo_init(&x->expo);
	if (err)
		return err;
	x->on = true;
	if (listen && httpd_bind(cmd, listen, &x->listen_fd))
		return -EINVAL;
	return 0;
}

/* The page of src, and the textfile with it. */
static int publish(struct expo_cmd *x, const struct expo_src *src)
{
	int err = expo_publish(&x->expo, src);

	if (!err && x->textfile)
		err = expo_textfile(&x->expo, x->textfile);
	return err;
}

struct bare_start {
	struct expo_cmd *x;
	struct httpd *h;
	int err;
	bool taken; /* httpd__start() took the socket */
};

/* The server started from a thread without capabilities: its threads
 * inherit none (they are per thread), whatever the command keeps, but
 * CAP_IPC_LOCK: under timerlat's and osnoise's mlockall(MCL_FUTURE) every
 * mmap (a stack, a malloc arena) is locked, and without it fails past
 * RLIMIT_MEMLOCK. */
static void *start_bare(void *arg)
{
	struct bare_start *b = arg;

	b->err = privs_drop_thread_caps(1ULL << CAP_IPC_LOCK);
	if (b->err) {
		log_err("%s: --listen: drop the server's capabilities: %s",
			b->x->cmd, strerror(-b->err));
		return NULL;
	}
	b->taken = true;
	b->h = httpd__start(b->x->cmd, b->x->listen_fd, &b->x->expo);
	if (!b->h) {
		b->err = -errno;
		if (b->err != -EIO) /* else said */
			log_err("%s: --listen: start the HTTP server: %s",
				b->x->cmd, strerror(errno));
	}
	return NULL;
}

static int start_server(struct expo_cmd *x)
{
	struct bare_start b = { .x = x };
	pthread_t t;
	int err = pthread_create(&t, NULL, start_bare, &b);

	if (err) {
		log_err("%s: --listen: start the server: %s", x->cmd,
			strerror(err));
		return -err;
	}
	pthread_join(t, NULL);
	if (b.taken)
		x->listen_fd = -1;
	x->httpd = b.h;
	return b.err;
}

int expo_cmd_start(struct expo_cmd *x, const struct expo_src *src)
{
	int err;

	if (!x->on)
		return 0;
	err = publish(x, src);
	if (err) {
		log_err("%s: --textfile %s: write: %s%s", x->cmd,
			x->textfile ? x->textfile : "", strerror(-err),
			err == -EACCES && x->eacces_hint ? x->eacces_hint : "");
		return err;
	}
	if (x->listen_fd >= 0)
		return start_server(x);
	return 0;
}

void expo_cmd_interval(struct expo_cmd *x, const struct expo_src *src)
{
	int err;

	if (!x->on)
		return;
	err = publish(x, src);
	/* said once per cause: the next interval tries again */
	if (err && err != x->err)
		log_warn("%s: metrics of interval %llu: %s%s%s%s", x->cmd,
			 (unsigned long long)src->intervals, strerror(-err),
			 x->textfile ? " (--textfile " : "",
			 x->textfile ? x->textfile : "",
			 x->textfile ? ")" : "");
	x->err = err;
}

void expo_cmd_stop(struct expo_cmd *x)
{
	httpd__free(x->httpd);
	x->httpd = NULL;
	if (x->listen_fd >= 0)
		close(x->listen_fd);
	x->listen_fd = -1;
	if (x->on)
		expo_fini(&x->expo);
	x->on = false;
}
