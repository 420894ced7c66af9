/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * watch.h - the monitor's view of the kernel's counters (docs/audit.md,
 * "Under load"): every tick it reads stk_counters and stk_decisions, tells
 * the reader what the audit log has not heard yet (suppressed and lost
 * events, report.h), and writes the metrics file and the status file's
 * decision counts. Only the monitor keeps bpf(): the reader gets reports.
 */
#ifndef STK_WATCH_H
#define STK_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "decisions.h"
#include "event_format.h"
#include "privsep.h"
#include "stk_abi.h"

struct stk_watch {
	int counters_fd;
	int decisions_fd; /* -1: programs pinned by an agent without decision counters */
	struct stk_decision_table decisions;
	uint64_t counters[STK_CNT_COUNT]; /* summed over CPUs */
	uint64_t lost_reported;
	void *ring_pos;   /* the ring buffer's consumer and producer pages, read-only */
	size_t ring_pos_len;
	uint64_t ringbuf_size;
	uint64_t ringbuf_used;
	bool metrics_failed;
	int cgroup_fd; /* the cgroup v2 mount, to tell removed cgroups; -1: none */
	struct stk_retire_pace retire_pace;
	bool started;
};

/*
 * stk_watch_start() - set the rate limit in @rate_fd (stk_rate; -1 if the
 * programs have none), map @events_fd's positions and take the counters as
 * they are: what happened before this agent (adopted pins) is not reported
 * again. @cgroup_mount: the cgroup v2 mount ("" if none), where
 * stk_watch_retire() asks whether a cgroup still exists.
 */
void stk_watch_start(struct stk_watch *w, int counters_fd, int decisions_fd, int rate_fd,
		     int events_fd, const struct stk_rate_config *rate, const char *cgroup_mount);
/* Reads the counters (one tick). */
void stk_watch_read(struct stk_watch *w);
/*
 * stk_watch_report() - sends the reader one report per key with new
 * suppressions and one for new losses. What the reader cannot take now
 * (@ps NULL, socket full) is sent at a later tick. @gen: the generation
 * whose rule numbers the reader knows. Return: events newly reported lost.
 */
uint64_t stk_watch_report(struct stk_watch *w, struct stk_privsep *ps, uint32_t gen);
/*
 * stk_watch_retire() - after stk_watch_report(): the decision rows of
 * cgroups removed since are summed into rows of STK_CGROUP_RETIRED
 * (stk_decisions_retire()), so that churning containers do not fill
 * stk_decisions.
 */
void stk_watch_retire(struct stk_watch *w);

struct stk_watch_policy {
	const struct stk_format_ctx *fmt; /* rule names and cgroup paths */
	uint32_t gen;
	unsigned int reloads;
	int64_t loaded_at;   /* seconds since the epoch */
	double load_seconds;
	const char *pin_dir; /* where the links are pinned: the programs' costs; NULL: none */
};

/* Writes the metrics file @path (metrics.h); warns once while it fails. */
void stk_watch_metrics(struct stk_watch *w, const char *path, const struct stk_watch_policy *p);
/* The decision counts for the status file (at most a thousand rows). */
struct json_object *stk_watch_decisions_json(const struct stk_watch *w,
					     const struct stk_watch_policy *p);
void stk_watch_free(struct stk_watch *w);

#endif /* STK_WATCH_H */
