/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_against.h - "stockade log --against POLICY...": replay recorded
 * events against a draft policy set with the decision code of "stockade
 * check --explain", and count what would change.
 *
 * Only events of hooks with a replayer are replayed (today file_open);
 * others are counted as skipped, so new event types plug in by adding a
 * replayer to the table in log_against.c.
 */
#ifndef STK_LOG_AGAINST_H
#define STK_LOG_AGAINST_H

#include <stdint.h>
#include <stdio.h>

#include "log_record.h"
#include "policy.h"

/* What happens to an access, mildest first. */
enum stk_outcome {
	STK_OUT_ALLOW = 0,
	STK_OUT_AUDIT = 1,
	STK_OUT_COMPLAIN = 2, /* deny in complain mode: logged, allowed */
	STK_OUT_DENY = 3,
	STK_OUT_COUNT = 4,
};

const char *stk_outcome_name(enum stk_outcome o);

/* The outcome a record reports; -EINVAL for an unknown action. */
int stk_outcome_recorded(const struct stk_log_rec *r);

struct stk_whatif {
	enum stk_outcome outcome;
	const char *policy; /* the deciding rule, in the compiled set */
	const char *rule;
};

/*
 * A draft policy set as replays read it: @all decides, as the kernel
 * would; where all policies allow, each policy's own table names the
 * allow rule that matched (the combined table keeps only one of them,
 * often the first policy's default).
 */
struct stk_whatif_draft {
	const struct stk_compiled *all;
	struct stk_compiled **each;
	size_t n_each;
};

/* Compiles each of @pols alone beside @all. Return: 0, -ENOMEM, -EINVAL. */
int stk_whatif_draft_init(struct stk_whatif_draft *d, struct stk_policy *const *pols, size_t n,
			  const struct stk_compiled *all);
void stk_whatif_draft_free(struct stk_whatif_draft *d);

/*
 * stk_whatif_decide() - what the draft @d decides for the access @r records:
 * every access kind the record asked for is explained, the most severe
 * outcome wins and names the rule.
 *
 * Return: 0, -EOPNOTSUPP for a hook with no replayer, -EINVAL for a record
 * that cannot be replayed (no path, truncated or relative path, no access).
 */
int stk_whatif_decide(const struct stk_whatif_draft *d, const struct stk_log_rec *r,
		      struct stk_whatif *ret);

struct stk_whatif_stats {
	uint64_t moves[STK_OUT_COUNT][STK_OUT_COUNT]; /* [recorded][draft] */
	uint64_t replayed;
	uint64_t unknown_hook;
	uint64_t unreplayable;
};

void stk_whatif_stats_add(struct stk_whatif_stats *s, enum stk_outcome recorded,
			  enum stk_outcome draft);
/* "N events that were denied would be allowed", ... and the skipped counts. */
void stk_whatif_stats_print(const struct stk_whatif_stats *s, FILE *out);
/* One replayed event as a line for people. */
void stk_whatif_print_line(const struct stk_log_rec *r, enum stk_outcome recorded,
			   const struct stk_whatif *w, FILE *out);
/* The record as it is plus "whatif": {"recorded","draft","policy","rule","changed"}. */
void stk_whatif_print_json(const struct stk_log_rec *r, enum stk_outcome recorded,
			   const struct stk_whatif *w, FILE *out);

#endif /* STK_LOG_AGAINST_H */
