// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * metrics.c - the Prometheus textfile (see metrics.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event_format.h"
#include "generation.h"
#include "metrics.h"

static volatile bool enforcement_active = true;

void stk_metrics_set_enforcement(bool active)
{
	enforcement_active = active;
}

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *name, const char *v, bool more)
{
	fprintf(f, "%s=\"", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputs(more ? "\"," : "\"", f);
}

/* Policy and rule of a generation-tagged rule; false for another generation's. */
static bool rule_names(const struct stk_metrics_input *in, uint32_t rule, const char **policy,
		       const char **id)
{
	uint32_t gen = rule >> STK_GEN_RULE_SHIFT, idx = rule & STK_GEN_RULE_MASK;

	*policy = "";
	*id = "";
	if (rule == STK_RULE_NONE)
		return true;
	if (gen && in->gen && gen != in->gen)
		return false;
	if (idx < in->n_rules) {
		*policy = in->rules[idx].policy;
		*id = in->rules[idx].id;
	}
	return true;
}

static void action_labels(FILE *f, uint8_t action)
{
	label(f, "action", stk_action_name(action & STK_ACT_MASK), true);
	label(f, "enforced",
	      (action & STK_ACT_MASK) == STK_ACT_DENY && !(action & STK_ACT_COMPLAIN) ? "true" :
											"false",
	      false);
}

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int by_rule_hook(const void *a, const void *b)
{
	const struct stk_decision_key *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->hook != y->hook)
		return x->hook < y->hook ? -1 : 1;
	return (int)x->action - (int)y->action;
}

static bool same_rule_hook(const struct stk_decision_key *x, const struct stk_decision_key *y)
{
	return x->rule == y->rule && x->hook == y->hook && x->action == y->action;
}

/* Events sent and suppressed by policy/rule/hook/action: summed over cgroups. */
static int events_by_hook(const struct stk_metrics_input *in, FILE *f)
{
	const struct stk_decision_table *t = in->decisions;
	struct stk_decision_row *rows;
	uint64_t sent, supp;
	const char *pol, *id;
	size_t i, k, pass;

	if (!t || !t->n)
		return 0;
	rows = malloc(t->n * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	memcpy(rows, t->rows, t->n * sizeof(*rows));
	qsort(rows, t->n, sizeof(*rows), by_rule_hook);
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			header(f, "stockade_events_total", "counter",
			       "Events the programs sent (not suppressed), by rule and hook.");
		else
			header(f, "stockade_events_suppressed_total", "counter",
			       "Events the rate limit kept back, by rule and hook.");
		for (i = 0; i < t->n; i = k) {
			sent = supp = 0;
			for (k = i; k < t->n && same_rule_hook(&rows[k].key, &rows[i].key); k++) {
				sent += rows[k].decisions - rows[k].suppressed;
				supp += rows[k].suppressed;
			}
			if (!rule_names(in, rows[i].key.rule, &pol, &id))
				continue;
			fputs(pass ? "stockade_events_suppressed_total{" : "stockade_events_total{",
			      f);
			label(f, "policy", pol, true);
			label(f, "rule", id, true);
			label(f, "hook", stk_hook_name(rows[i].key.hook), true);
			action_labels(f, rows[i].key.action);
			fprintf(f, "} %llu\n", (unsigned long long)(pass ? supp : sent));
		}
	}
	free(rows);
	return 0;
}

/* Decisions by policy/rule/cgroup/action: the rows are sorted by cgroup, rule, hook. */
static void decisions_by_cgroup(const struct stk_metrics_input *in, FILE *f)
{
	const struct stk_decision_table *t = in->decisions;
	uint64_t sum[256];
	const char *pol, *id, *cg;
	char idbuf[24];
	size_t i, k;
	unsigned int a;

	header(f, "stockade_decisions_total", "counter",
	       "Deny and audit decisions, exact (counted in the kernel), by rule and cgroup.");
	for (i = 0; t && i < t->n; i = k) {
		memset(sum, 0, sizeof(sum));
		for (k = i; k < t->n && t->rows[k].key.cgroup_id == t->rows[i].key.cgroup_id &&
			    t->rows[k].key.rule == t->rows[i].key.rule;
		     k++)
			sum[t->rows[k].key.action] += t->rows[k].decisions;
		if (!rule_names(in, t->rows[i].key.rule, &pol, &id))
			continue;
		cg = stk_decision_cgroup_name(t->rows[i].key.cgroup_id, in->cgroup_path,
					      in->cgroup_arg);
		snprintf(idbuf, sizeof(idbuf), "%llu",
			 (unsigned long long)t->rows[i].key.cgroup_id);
		for (a = 0; a < 256; a++) {
			if (!sum[a])
				continue;
			fputs("stockade_decisions_total{", f);
			label(f, "policy", pol, true);
			label(f, "rule", id, true);
			label(f, "cgroup", cg ? cg : "", true);
			label(f, "cgroup_id", idbuf, true);
			action_labels(f, (uint8_t)a);
			fprintf(f, "} %llu\n", (unsigned long long)sum[a]);
		}
	}
}

/*
 * What each attached program costs (Tetragon's overhead metrics do the
 * same): the kernel counts only while kernel.bpf_stats_enabled is 1.
 */
static void program_costs(const struct stk_prog_stats *p, FILE *f)
{
	size_t i, pass;

	header(f, "stockade_program_stats_enabled", "gauge",
	       "1 while the kernel counts the programs' runs (sysctl kernel.bpf_stats_enabled).");
	fprintf(f, "stockade_program_stats_enabled %d\n", p->enabled ? 1 : 0);
	for (pass = 0; pass < 2 && p->n; pass++) {
		if (pass == 0)
			header(f, "stockade_program_runs_total", "counter",
			       "Runs of each attached program, counted while the kernel counts.");
		else
			header(f, "stockade_program_seconds_total", "counter",
			       "Time spent in each attached program, counted while the kernel "
			       "counts.");
		for (i = 0; i < p->n; i++) {
			fputs(pass ? "stockade_program_seconds_total{" :
				     "stockade_program_runs_total{",
			      f);
			label(f, "program", p->v[i].name, false);
			if (pass)
				fprintf(f, "} %.9f\n", (double)p->v[i].run_ns / 1e9);
			else
				fprintf(f, "} %llu\n", (unsigned long long)p->v[i].runs);
		}
	}
}

static void scalar(FILE *f, const char *name, const char *type, const char *help, double v)
{
	header(f, name, type, help);
	fprintf(f, "%s %.17g\n", name, v);
}

int stk_metrics_format(const struct stk_metrics_input *in, FILE *f)
{
	const uint64_t *c = in->counters;
	int err;

	scalar(f, "stockade_up", "gauge", "1 while the agent runs.", 1);
	scalar(f, "stockade_enforcement_active", "gauge",
	       "1 when the agent has proof that enforcement is live.", enforcement_active);
	scalar(f, "stockade_policy_generation", "gauge",
	       "The policy generation slot in force (changes at each reload).", in->gen);
	scalar(f, "stockade_policy_reloads_total", "counter", "Reload attempts.", in->reloads);
	scalar(f, "stockade_policy_load_timestamp_seconds", "gauge",
	       "When the policy in force was loaded.", (double)in->policy_loaded_at);
	scalar(f, "stockade_policy_load_duration_seconds", "gauge",
	       "How long loading the policy in force took.", in->policy_load_seconds);
	scalar(f, "stockade_ringbuf_events_total", "counter",
	       "Events written to the ring buffer.", (double)c[STK_CNT_EVENTS]);
	scalar(f, "stockade_events_lost_total", "counter",
	       "Events lost: the ring buffer was full.", (double)c[STK_CNT_LOST]);
	scalar(f, "stockade_suppressed_total", "counter",
	       "Events the rate limit kept back (counted, not sent).",
	       (double)c[STK_CNT_SUPPRESSED]);
	scalar(f, "stockade_denied_total", "counter", "Accesses denied.",
	       (double)c[STK_CNT_DENIED]);
	scalar(f, "stockade_decisions_uncounted_total", "counter",
	       "Decisions the per-rule counters had no room for (map full).",
	       (double)c[STK_CNT_UNCOUNTED]);
	scalar(f, "stockade_ringbuf_used_bytes", "gauge",
	       "Bytes of events waiting in the ring buffer.", (double)in->ringbuf_used);
	scalar(f, "stockade_ringbuf_size_bytes", "gauge", "Size of the ring buffer.",
	       (double)in->ringbuf_size);
	err = events_by_hook(in, f);
	decisions_by_cgroup(in, f);
	if (in->progs)
		program_costs(in->progs, f);
	if (!err && ferror(f))
		err = -EIO;
	return err;
}

int stk_metrics_write(const char *path, const struct stk_metrics_input *in)
{
	char tmp[4096];
	FILE *f = NULL;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* node_exporter reads it as another user, whatever the agent's umask. */
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		goto cleanup;
	}
	err = stk_metrics_format(in, f);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
cleanup:
	if (err)
		unlink(tmp);
	return err;
}
