// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * event_format_report.c - suppressed and lost summaries as audit JSON
 * (see report.h). Fields that mean the same as in an event have its names.
 */
#include <errno.h>
#include <stdio.h>

#include "report.h"

static void format_common(const struct stk_format_ctx *ctx, uint64_t seq,
			  const struct stk_report *r, const char *type, struct json_out *j)
{
	char ts[64];
	size_t n;

	n = stk_format_time(r->time_real_ns, ts, sizeof(ts));
	json_out_strn(j, "time", ts, n);
	json_out_u64(j, "seq", seq);
	if (ctx->host)
		json_out_str(j, "host", ctx->host);
	json_out_str(j, "type", type);
}

static void format_suppressed(const struct stk_format_ctx *ctx, const struct stk_report *r,
			      struct json_out *j)
{
	const struct stk_rule_ref *ref = NULL;
	const char *cg = NULL;
	char msg[96];

	if (r->rule != STK_RULE_NONE && r->rule < ctx->n_rules)
		ref = &ctx->rules[r->rule];
	json_out_str(j, "action", stk_action_name(r->action & STK_ACT_MASK));
	json_out_bool(j, "enforced", (r->action & STK_ACT_MASK) == STK_ACT_DENY &&
					     !(r->action & STK_ACT_COMPLAIN));
	json_out_str(j, "hook", stk_hook_name(r->hook));
	json_out_str(j, "policy", ref ? ref->policy : "");
	json_out_str(j, "rule", ref ? ref->id : "");
	if (ctx->cgroup_path)
		cg = ctx->cgroup_path(r->cgroup_id, ctx->cgroup_arg);
	if (cg)
		json_out_str(j, "cgroup", cg);
	else
		json_out_null(j, "cgroup");
	json_out_u64(j, "cgroup_id", r->cgroup_id);
	json_out_u64(j, "suppressed", r->count);
	snprintf(msg, sizeof(msg), "%llu more like this suppressed (rate limit)",
		 (unsigned long long)r->count);
	json_out_str(j, "message", msg);
}

int stk_report_format(const struct stk_format_ctx *ctx, uint64_t seq, const struct stk_report *r,
		      struct json_out *j)
{
	char msg[96];

	json_out_begin_object(j);
	switch (r->kind) {
	case STK_REPORT_SUPPRESSED:
		format_common(ctx, seq, r, "suppressed", j);
		format_suppressed(ctx, r, j);
		break;
	case STK_REPORT_LOST:
		format_common(ctx, seq, r, "lost", j);
		json_out_u64(j, "lost", r->count);
		snprintf(msg, sizeof(msg), "%llu events lost (ring buffer full)",
			 (unsigned long long)r->count);
		json_out_str(j, "message", msg);
		break;
	default:
		return -EINVAL;
	}
	json_out_end_object(j);
	return j->overflow ? -ENOSPC : 0;
}
