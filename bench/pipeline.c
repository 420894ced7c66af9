// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pipeline.c - the agent's side of the event pipeline, natively: decode and
 * format ring-buffer records into audit JSON and write them to the file
 * sink, one thread, as fast as it goes.
 *   stk-bench-pipeline FILE EVENTS
 * prints "events_per_second bytes_per_event", per second of this thread's CPU
 * time (user and kernel: the writes count), so other load on the machine
 * does not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "event_format.h"

static const struct stk_rule_ref rules[] = {
	{ .policy = "bench", .id = "default" },
	{ .policy = "bench", .id = "no-shadow" },
};

static const char *cgroup_name(uint64_t id, void *arg)
{
	(void)arg;
	return id ? "/system.slice/bench.service" : "/";
}

int main(int argc, char **argv)
{
	struct stk_format_ctx ctx = {
		.rules = rules,
		.n_rules = 2,
		.host = "bench-host",
		.cgroup_path = cgroup_name,
	};
	static struct stk_event_file ev;
	static char line[2 * STK_PATH_MAX + 4096];
	static const char path[] = "/srv/www/app/releases/2026-11-25/config/secrets.yml";
	struct stk_audit *audit;
	struct timespec t0, t1;
	struct json_out j;
	long n, i;
	double secs;
	size_t bytes = 0, size;

	if (argc != 3)
		return 2;
	n = atol(argv[2]);
	if (stk_audit_open(&audit, argv[1], false))
		return 1;
	ev.hdr.type = STK_EV_FILE;
	ev.hdr.hook = STK_HOOK_FILE_OPEN;
	ev.hdr.rule = 1;
	ev.hdr.action = STK_ACT_DENY;
	ev.hdr.enforced = 1;
	ev.hdr.cgroup_id = 7;
	memcpy(ev.hdr.comm, "nginx", 6);
	ev.access = STK_FACC_BIT(STK_FACC_READ);
	ev.denied = ev.access;
	memcpy(ev.path, path, sizeof(path));
	ev.path_len = sizeof(path);
	size = offsetof(struct stk_event_file, path) + sizeof(path);
	ev.hdr.size = size;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (i = 0; i < n; i++) {
		ev.hdr.time_boot_ns += 1000;
		ev.hdr.pid = ev.hdr.tid = 1000 + (i & 1023);
		json_out_init(&j, line, sizeof(line));
		if (stk_event_format(&ctx, i + 1, &ev, size, &j) ||
		    stk_audit_write(audit, j.buf, j.len, true))
			return 1;
		bytes += j.len + 1;
	}
	stk_audit_close(audit);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f %.0f\n", n / secs, (double)bytes / n);
	return 0;
}
