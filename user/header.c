// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The NDJSON contract of rtbpf's commands: header and error records. */
#include "header.h"

#include <stdbool.h>
#include <string.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "log.h"

/* Every NDJSON stream and the version of its records. A change a reader
 * of the old version could misread bumps it: a field removed, renamed,
 * retyped or given another unit, a new record type that ends the stream.
 * A new field alone does not. docs/json.md has the history. */
static const struct json_stream {
	const char *command;
	unsigned int schema;
} streams[] = {
	{ "monitor", 3 }, /* 2: no "command", no error records */
	{ "check", 2 }, /* 1: "rtbpf.check/1", CPU lists as strings */
	{ "status", 1 },
	{ "xsk send", 2 }, /* 1: error "command":"send", "errno" */
	{ "xsk recv", 3 }, /* 2: foreign datagrams counted as "bad" */
	{ "bench e2e", 2 }, /* 1: system_check "command", "cpus":"N" */
	{ "timerlat", 1 },
	{ "osnoise", 1 },
};

static struct {
	FILE *f;
	const struct json_stream *s; /* NULL: not under --json */
	bool header, error; /* written */
} out;

static const struct json_stream *find_stream(const char *command)
{
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++)
		if (!strcmp(streams[i].command, command))
			return &streams[i];
	return NULL;
}

unsigned int json_schema(const char *command)
{
	const struct json_stream *s = find_stream(command);

	return s ? s->schema : 0;
}

void json_cpuset(struct json_w *w, const char *key, const struct cpuset *s)
{
	json_key(w, key);
	json_arr_begin(w);
	for (unsigned int c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(s, c))
			json_u64(w, c);
	json_arr_end(w);
}

/* --json, -j, or an abbreviation getopt_long accepts ("--js"). */
static bool is_json_opt(const char *a)
{
	size_t n = strlen(a);

	return !strcmp(a, "-j") || (n >= 3 && !strncmp(a, "--json", n));
}

void json_out_init(FILE *f, int argc, char **argv)
{
	char name[64];
	int first = 1;

	out.f = f;
	out.s = NULL;
	out.header = out.error = false;
	if (argc < 1)
		return;
	/* "xsk send", "bench e2e": a command with subcommands */
	if (argc > 1) {
		snprintf(name, sizeof(name), "%s %s", argv[0], argv[1]);
		out.s = find_stream(name);
		first = 2;
	}
	if (!out.s) {
		out.s = find_stream(argv[0]);
		first = 1;
	}
	if (!out.s)
		return;
	for (int i = first; i < argc && strcmp(argv[i], "--"); i++)
		if (is_json_opt(argv[i])) {
			log_set_err_hook(json_out_error);
			return;
		}
	out.s = NULL;
}

void json_header_begin(struct json_w *w, const char *command,
		       const struct host_info *hi)
{
	struct utsname u;
	char ver[32];

	snprintf(ver, sizeof(ver), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	json_stamp_records(w);
	json_obj_begin(w);
	json_kv_str(w, "type", "header");
	json_kv_str(w, "command", command);
	json_kv_u64(w, "schema", json_schema(command));
	json_kv_str(w, "rtbpf", RTBPF_VERSION);
	json_kv_str(w, "libbpf", ver);
	json_kv_str(w, "kernel", hi->kernel);
	/* the node name (uname -n), not --root's: the host that ran it */
	json_kv_str(w, "host", uname(&u) ? "" : u.nodename);
	json_cpuset(w, "isolated", &hi->isolated);
	out.header = true;
}

void json_out_error(const char *msg)
{
	static bool busy;
	struct json_w w;

	if (!out.s || busy)
		return;
	busy = true;
	json_init(&w, out.f);
	json_stamp_records(&w);
	if (!out.header) {
		struct host_info hi = {};

		sysinfo_load(&hi);
		json_header_begin(&w, out.s->command, &hi);
		json_obj_end(&w);
		json_end_record(&w);
	}
	json_obj_begin(&w);
	json_kv_str(&w, "type", "error");
	json_kv_str(&w, "command", out.s->command);
	json_kv_str(&w, "message", msg);
	json_obj_end(&w);
	json_end_record(&w);
	out.error = true;
	busy = false;
}

void json_out_exit(int rc)
{
	char msg[96];

	if (!out.s || out.error ||
	    (rc != EXIT_FAIL && rc != EXIT_USAGE && rc != EXIT_UNSUPPORTED))
		return;
	snprintf(msg, sizeof(msg), "%s: failed with exit code %d",
		 out.s->command, rc);
	json_out_error(msg);
}
