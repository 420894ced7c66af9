// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * watch.c - the monitor's view of the kernel's counters (see watch.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cgroup_path.h"
#include "generation.h"
#include "log.h"
#include "metrics.h"
#include "persist.h"
#include "report.h"
#include "watch.h"

/* Rows of the decision table a status file lists; the metrics file has them all. */
#define STATUS_DECISIONS_MAX 1000

/* A generation-tagged rule number as the reader's table numbers it (cmd_run.c own_rule()). */
static uint32_t plain_rule(uint32_t rule, uint32_t gen)
{
	uint32_t g = rule >> STK_GEN_RULE_SHIFT;

	if (rule == STK_RULE_NONE || !g)
		return rule;
	return g == gen ? (rule & STK_GEN_RULE_MASK) : STK_RULE_NONE;
}

static int64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Maps the ring buffer's positions read-only, to report how full it is. */
static void map_ring_positions(struct stk_watch *w, int events_fd)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	if (bpf_obj_get_info_by_fd(events_fd, &mi, &len))
		return;
	p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, events_fd, 0);
	if (p == MAP_FAILED)
		return;
	w->ring_pos = p;
	w->ring_pos_len = 2 * page;
	w->ringbuf_size = mi.max_entries;
}

void stk_watch_start(struct stk_watch *w, int counters_fd, int decisions_fd, int rate_fd,
		     int events_fd, const struct stk_rate_config *rate, const char *cgroup_mount)
{
	__u32 zero = 0;
	size_t i;

	w->counters_fd = counters_fd;
	w->decisions_fd = decisions_fd;
	w->cgroup_fd = cgroup_mount[0] ? open(cgroup_mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	w->retire_pace.max = STK_RETIRE_PER_TICK;
	w->started = true;
	/* The agent's options win over what an earlier agent set. */
	if (rate_fd < 0 || bpf_map_update_elem(rate_fd, &zero, rate, BPF_ANY)) {
		if (rate->interval_ns)
			stk_warn("events", "the programs in force have no rate limit (%s): "
					   "'stockade unload' and start again to get one",
				 rate_fd < 0 ? "pinned by an older agent" : strerror(errno));
	} else if (rate->interval_ns) {
		stk_info("events", "rate limit: one event per %llu us per rule and cgroup, "
				   "bursts of %llu",
			 (unsigned long long)(rate->interval_ns / 1000),
			 (unsigned long long)rate->burst);
	}
	map_ring_positions(w, events_fd);
	stk_watch_read(w);
	for (i = 0; i < w->decisions.n; i++)
		w->decisions.rows[i].suppressed_reported = w->decisions.rows[i].suppressed;
	if (w->counters[STK_CNT_LOST])
		stk_warn("events", "%llu events were lost before this agent started",
			 (unsigned long long)w->counters[STK_CNT_LOST]);
	w->lost_reported = w->counters[STK_CNT_LOST];
}

void stk_watch_read(struct stk_watch *w)
{
	const unsigned long *pos = w->ring_pos;
	uint64_t v;
	uint32_t i;
	int err;

	/* Programs pinned by an older agent have fewer counters: those stay 0. */
	for (i = 0; i < STK_CNT_COUNT; i++)
		if (stk_counter_read(w->counters_fd, i, &v) == 0)
			w->counters[i] = v;
	if (w->decisions_fd >= 0) {
		err = stk_decisions_read(w->decisions_fd, &w->decisions);
		if (err)
			stk_warn("events", "reading the decision counters failed: %s",
				 strerror(-err));
	}
	/* Consumer position at the start of the first page, producer of the second. */
	if (pos)
		w->ringbuf_used =
			__atomic_load_n(&pos[w->ring_pos_len / 2 / sizeof(*pos)], __ATOMIC_ACQUIRE) -
			__atomic_load_n(&pos[0], __ATOMIC_ACQUIRE);
}

/* Sends @n reports; on success the rows they came from count as reported. */
static bool flush_reports(struct stk_watch *w, struct stk_privsep *ps,
			  const struct stk_report *batch, const size_t *rows, size_t n)
{
	size_t i;

	if (!n)
		return true;
	if (!ps || stk_privsep_send_report(ps, batch, n * sizeof(*batch)))
		return false; /* the reader lags or is gone: the next tick tries again */
	for (i = 0; i < n; i++) {
		if (rows[i] == SIZE_MAX)
			w->lost_reported += batch[i].count;
		else
			w->decisions.rows[rows[i]].suppressed_reported =
				w->decisions.rows[rows[i]].suppressed;
	}
	return true;
}

uint64_t stk_watch_report(struct stk_watch *w, struct stk_privsep *ps, uint32_t gen)
{
	struct stk_report batch[STK_REPORTS_PER_DGRAM];
	size_t rows[STK_REPORTS_PER_DGRAM], i, n = 0;
	uint64_t lost_before = w->lost_reported;
	struct stk_decision_row *r;
	int64_t now = real_ns();

	for (i = 0; i < w->decisions.n; i++) {
		r = &w->decisions.rows[i];
		if (r->suppressed <= r->suppressed_reported)
			continue;
		batch[n] = (struct stk_report){
			.time_real_ns = now,
			.count = r->suppressed - r->suppressed_reported,
			.cgroup_id = r->key.cgroup_id,
			.kind = STK_REPORT_SUPPRESSED,
			.rule = plain_rule(r->key.rule, gen),
			.hook = r->key.hook,
			.action = r->key.action,
		};
		rows[n++] = i;
		if (n == STK_REPORTS_PER_DGRAM) {
			if (!flush_reports(w, ps, batch, rows, n))
				return 0;
			n = 0;
		}
	}
	if (w->counters[STK_CNT_LOST] > w->lost_reported) {
		batch[n] = (struct stk_report){
			.time_real_ns = now,
			.count = w->counters[STK_CNT_LOST] - w->lost_reported,
			.kind = STK_REPORT_LOST,
			.rule = STK_RULE_NONE,
		};
		rows[n++] = SIZE_MAX;
	}
	flush_reports(w, ps, batch, rows, n);
	return w->lost_reported - lost_before;
}

static bool cgroup_removed(uint64_t id, void *arg)
{
	return stk_cgroup_gone(*(const int *)arg, id);
}

void stk_watch_retire(struct stk_watch *w)
{
	int n;

	if (w->decisions_fd < 0 || w->cgroup_fd < 0)
		return;
	n = stk_decisions_retire(w->decisions_fd, &w->decisions, &w->retire_pace, cgroup_removed,
				 &w->cgroup_fd);
	if (n < 0)
		stk_warn("events", "retiring the decision counters of removed cgroups failed: %s",
			 strerror(-n));
	else if (n)
		stk_debug("events", "%d decision counters of removed cgroups retired", n);
}

void stk_watch_metrics(struct stk_watch *w, const char *path, const struct stk_watch_policy *p)
{
	struct stk_metrics_input in = {
		.decisions = &w->decisions,
		.gen = p->gen,
		.rules = p->fmt->rules,
		.n_rules = p->fmt->n_rules,
		.cgroup_path = p->fmt->cgroup_path,
		.cgroup_arg = p->fmt->cgroup_arg,
		.ringbuf_used = w->ringbuf_used,
		.ringbuf_size = w->ringbuf_size,
		.policy_loaded_at = p->loaded_at,
		.policy_load_seconds = p->load_seconds,
		.reloads = p->reloads,
	};
	struct stk_prog_stats progs = {};
	int err;

	memcpy(in.counters, w->counters, sizeof(in.counters));
	if (p->pin_dir && !stk_prog_stats_read(p->pin_dir, &progs))
		in.progs = &progs;
	err = stk_metrics_write(path, &in);
	stk_prog_stats_free(&progs);
	if (err && !w->metrics_failed)
		stk_warn("metrics", "writing %s failed: %s", path, strerror(-err));
	w->metrics_failed = err != 0;
}

struct json_object *stk_watch_decisions_json(const struct stk_watch *w,
					     const struct stk_watch_policy *p)
{
	struct json_object *arr = json_object_new_array(), *o;
	const struct stk_format_ctx *fmt = p->fmt;
	const struct stk_rule_ref *ref;
	const struct stk_decision_row *r;
	const char *cg;
	uint32_t rule;
	size_t i;

	for (i = 0; arr && i < w->decisions.n && i < STATUS_DECISIONS_MAX; i++) {
		r = &w->decisions.rows[i];
		rule = plain_rule(r->key.rule, p->gen);
		ref = rule != STK_RULE_NONE && rule < fmt->n_rules ? &fmt->rules[rule] : NULL;
		cg = stk_decision_cgroup_name(r->key.cgroup_id, fmt->cgroup_path, fmt->cgroup_arg);
		o = json_object_new_object();
		json_object_object_add(o, "policy", json_object_new_string(ref ? ref->policy : ""));
		json_object_object_add(o, "rule", json_object_new_string(ref ? ref->id : ""));
		json_object_object_add(o, "cgroup", cg ? json_object_new_string(cg) : NULL);
		json_object_object_add(o, "cgroup_id", json_object_new_uint64(r->key.cgroup_id));
		json_object_object_add(o, "hook", json_object_new_string(stk_hook_name(r->key.hook)));
		json_object_object_add(o, "action",
				       json_object_new_string(
					       stk_action_name(r->key.action & STK_ACT_MASK)));
		json_object_object_add(o, "complain",
				       json_object_new_boolean(r->key.action & STK_ACT_COMPLAIN));
		json_object_object_add(o, "decisions", json_object_new_uint64(r->decisions));
		json_object_object_add(o, "suppressed", json_object_new_uint64(r->suppressed));
		json_object_array_add(arr, o);
	}
	return arr;
}

void stk_watch_free(struct stk_watch *w)
{
	stk_decisions_free(&w->decisions);
	if (w->started && w->cgroup_fd >= 0)
		close(w->cgroup_fd);
	w->started = false;
	if (w->ring_pos)
		munmap(w->ring_pos, w->ring_pos_len);
	w->ring_pos = NULL;
}
