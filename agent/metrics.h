/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * metrics.h - Prometheus metrics for the node_exporter textfile collector:
 * a .prom file replaced atomically (write a temporary file, rename), so the
 * hardened agent needs no listening socket. Names and labels are listed in
 * docs/audit.md ("Metrics").
 */
#ifndef STK_METRICS_H
#define STK_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decisions.h"
#include "policy.h"
#include "prog_stats.h"
#include "stk_abi.h"

struct stk_metrics_input {
	const struct stk_decision_table *decisions; /* rules generation-tagged */
	uint32_t gen;                /* rows of other generations are left out */
	const struct stk_rule_ref *rules;
	size_t n_rules;
	const char *(*cgroup_path)(uint64_t id, void *arg);
	void *cgroup_arg;
	uint64_t counters[STK_CNT_COUNT]; /* stk_counters summed over CPUs */
	uint64_t ringbuf_used;       /* bytes the reader has not consumed yet */
	uint64_t ringbuf_size;
	int64_t policy_loaded_at;    /* seconds since the epoch */
	double policy_load_seconds;  /* how long loading (or the last reload) took */
	unsigned int reloads;
	const struct stk_prog_stats *progs; /* the attached programs' costs, or NULL */
};

/*
 * stk_metrics_set_enforcement() - the value of stockade_enforcement_active
 * (1 until set): whether the agent has proof that enforcement is live (the
 * canary). The next metrics file written shows it.
 */
void stk_metrics_set_enforcement(bool active);

/* Writes the metrics in the Prometheus text format (0.0.4) to @f. Pure but for @f. */
int stk_metrics_format(const struct stk_metrics_input *in, FILE *f);

/* Replaces the file @path (mode 0644) with the metrics, atomically. 0 or a negative errno. */
int stk_metrics_write(const char *path, const struct stk_metrics_input *in);

#endif /* STK_METRICS_H */
