/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * run_state.h - what "stockade run" keeps (cmd_run.c), and the reader's
 * side of it that turns events and reports into log lines (run_events.c).
 */
#ifndef STK_RUN_STATE_H
#define STK_RUN_STATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "alert_threshold.h"
#include "event_format.h"
#include "privsep.h"
#include "run_opts.h"
#include "status_file.h"
#include "watch.h"

struct run_state {
	struct stk_policy_set *set;
	struct stk_audit *audit;
	struct stk_cgroup_names *cgroups;
	struct stk_format_ctx fmt;
	uint64_t seq;
	uint64_t bad_records;
	char host[256];
	char line[2 * STK_PATH_MAX + 4096];
	struct stk_enforcer *enf;
	struct stk_roots *roots; /* the container-root gate's requests; NULL: not served */
	uint64_t after_stop;
	const volatile sig_atomic_t *stopping; /* the stop signal's number once one came */
	uint32_t gen; /* the policy generation st->set was put in force as */
	bool file_cache; /* kernel addresses were readable when the programs loaded */
	uint64_t ev_copy[(sizeof(struct stk_event_file) + 7) / 8];
	/* The monitor's ticks: counters, reports, metrics (watch.h). */
	const struct run_opts *opts;
	struct stk_privsep *ps; /* the current reader's, NULL between readers */
	struct stk_status_info *info;
	struct stk_watch watch;
	int64_t policy_loaded_at;
	double policy_load_seconds;
	int alert_fd; /* the alert launcher's socket (reader only), or -1 */
	uint64_t alerts, alerts_dropped, alerts_dropped_reported;
	long long alerts_reported_ms;
	struct stk_alert_threshold threshold;
	uint64_t convert_failed;
	char ocsf[4 * STK_PATH_MAX + 8192];
	char kv[2 * STK_PATH_MAX + 4096];
};

/* The ring buffer's callback: one event into the sinks (and the alert command). */
int stk_run_on_event(void *ctx, void *data, size_t size);
/* The monitor's reports (suppressed, lost) waiting on @ps, as audit lines. */
void stk_run_write_reports(struct run_state *st, struct stk_privsep *ps);

#endif /* STK_RUN_STATE_H */
