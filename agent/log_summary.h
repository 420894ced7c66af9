/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_summary.h - "stockade log --summary": counts by rule, scope, hook
 * and hour, top paths and binaries, like aureport.
 */
#ifndef STK_LOG_SUMMARY_H
#define STK_LOG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log_record.h"

struct stk_tally_ent {
	char *key;
	uint64_t count;
};

/* Counts per string key (an open-addressing hash table). */
struct stk_tally {
	struct stk_tally_ent *v;
	size_t n, cap;
};

int stk_tally_add(struct stk_tally *t, const char *key, uint64_t n);
uint64_t stk_tally_get(const struct stk_tally *t, const char *key);
/*
 * The entries, most counted first (ties: by key), or by key when @by_key.
 * Returns a new array of t->n pointers into @t, or NULL (ENOMEM, or empty).
 */
const struct stk_tally_ent **stk_tally_sorted(const struct stk_tally *t, bool by_key);
void stk_tally_free(struct stk_tally *t);

struct stk_log_summary {
	uint64_t events;
	uint64_t denied;   /* action deny, enforced */
	uint64_t complain; /* action deny, not enforced */
	uint64_t audited;
	uint64_t suppressed; /* of the events above, known from "suppressed" summaries */
	uint64_t lost;       /* events "lost" summaries report: in no count above */
	int64_t first_ns, last_ns;
	struct stk_tally by_rule;   /* "policy/rule" */
	struct stk_tally by_scope;  /* container id, else cgroup */
	struct stk_tally by_hook;
	struct stk_tally by_hour;   /* "YYYY-MM-DD HH:00" UTC */
	struct stk_tally by_path;
	struct stk_tally by_binary; /* exe, else comm */
};

int stk_log_summary_add(struct stk_log_summary *s, const struct stk_log_rec *r);
/* Text for people; the "top" lists (scopes, paths, binaries) show @top lines. */
void stk_log_summary_print(const struct stk_log_summary *s, FILE *out, size_t top);
/* One JSON object with every count (no "top" cut). Return: 0 or -ENOMEM. */
int stk_log_summary_json(const struct stk_log_summary *s, FILE *out);
void stk_log_summary_free(struct stk_log_summary *s);

#endif /* STK_LOG_SUMMARY_H */
