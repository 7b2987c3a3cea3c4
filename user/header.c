// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The parts every NDJSON header record of rtbpf shares. */
#include "header.h"

#include <stdio.h>
#include <bpf/libbpf.h>

void json_cpuset(struct json_w *w, const char *key, const struct cpuset *s)
{
	json_key(w, key);
	json_arr_begin(w);
	for (unsigned int c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(s, c))
			json_u64(w, c);
	json_arr_end(w);
}

void json_header_begin(struct json_w *w, unsigned int schema,
		       const char *command, const struct host_info *hi)
{
	char ver[32];

	snprintf(ver, sizeof(ver), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	json_obj_begin(w);
	json_kv_str(w, "type", "header");
	json_kv_u64(w, "schema", schema);
	if (command)
		json_kv_str(w, "command", command);
	json_kv_str(w, "rtbpf", RTBPF_VERSION);
	json_kv_str(w, "libbpf", ver);
	json_kv_str(w, "kernel", hi->kernel);
	json_cpuset(w, "isolated", &hi->isolated);
}
