// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_against.c - replay recorded events against a draft policy (see
 * log_against.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log_against.h"
#include "log_table.h"

static const char *const outcome_names[STK_OUT_COUNT] = {
	[STK_OUT_ALLOW] = "allow",
	[STK_OUT_AUDIT] = "audit",
	[STK_OUT_COMPLAIN] = "deny (complain)",
	[STK_OUT_DENY] = "deny",
};

/* The same outcomes as verbs for the change summary. */
static const char *const outcome_past[STK_OUT_COUNT] = {
	[STK_OUT_ALLOW] = "allowed",
	[STK_OUT_AUDIT] = "audited",
	[STK_OUT_COMPLAIN] = "denied in complain mode (allowed, logged)",
	[STK_OUT_DENY] = "denied",
};

const char *stk_outcome_name(enum stk_outcome o)
{
	return (unsigned int)o < STK_OUT_COUNT ? outcome_names[o] : "?";
}

int stk_outcome_recorded(const struct stk_log_rec *r)
{
	if (!strcmp(r->action, "deny"))
		return r->enforced ? STK_OUT_DENY : STK_OUT_COMPLAIN;
	if (!strcmp(r->action, "audit"))
		return STK_OUT_AUDIT;
	return -EINVAL;
}

static enum stk_outcome outcome_of(uint8_t action)
{
	switch (action & STK_ACT_MASK) {
	case STK_ACT_DENY:
		return action & STK_ACT_COMPLAIN ? STK_OUT_COMPLAIN : STK_OUT_DENY;
	case STK_ACT_AUDIT:
		return STK_OUT_AUDIT;
	default:
		return STK_OUT_ALLOW;
	}
}

/* Where the draft allows: the first policy whose own allow rule (not its default) matched. */
static void name_allow(const struct stk_whatif_draft *d, const struct stk_log_rec *r,
		       struct stk_whatif *w)
{
	struct stk_decision dec;
	size_t p;
	int i;

	for (p = 0; p < d->n_each; p++) {
		const struct stk_compiled *c = d->each[p];

		for (i = 0; i < STK_FACC_COUNT; i++) {
			if (!(r->access & STK_FACC_BIT(i)) ||
			    stk_explain_file(c, r->path, i, &dec) || dec.rule >= c->n_rules ||
			    !strcmp(c->rules[dec.rule].id, STK_DEFAULT_RULE_ID))
				continue;
			w->policy = c->rules[dec.rule].policy;
			w->rule = c->rules[dec.rule].id;
			return;
		}
	}
}

static int decide_file(const struct stk_whatif_draft *d, const struct stk_log_rec *r,
		       struct stk_whatif *ret)
{
	const struct stk_compiled *c = d->all;
	struct stk_whatif best = { .outcome = STK_OUT_ALLOW };
	bool any = false;
	int i, err;

	if (!r->path || r->path[0] != '/' || r->path_truncated || !r->access)
		return -EINVAL;
	for (i = 0; i < STK_FACC_COUNT; i++) {
		struct stk_decision dec;
		enum stk_outcome o;

		if (!(r->access & STK_FACC_BIT(i)))
			continue;
		err = stk_explain_file(c, r->path, i, &dec);
		if (err)
			return err;
		o = outcome_of(dec.action);
		if (!any || o > best.outcome) {
			best.outcome = o;
			best.policy = dec.rule < c->n_rules ? c->rules[dec.rule].policy : "";
			best.rule = dec.rule < c->n_rules ? c->rules[dec.rule].id : "";
		}
		any = true;
	}
	if (best.outcome == STK_OUT_ALLOW)
		name_allow(d, r, &best);
	*ret = best;
	return 0;
}

/* One replayer per hook; new event types add theirs here. */
static const struct {
	const char *hook;
	int (*decide)(const struct stk_whatif_draft *d, const struct stk_log_rec *r,
		      struct stk_whatif *ret);
} replayers[] = {
	{ "file_open", decide_file },
};

int stk_whatif_decide(const struct stk_whatif_draft *d, const struct stk_log_rec *r,
		      struct stk_whatif *ret)
{
	size_t i;

	for (i = 0; i < sizeof(replayers) / sizeof(replayers[0]); i++)
		if (!strcmp(r->hook, replayers[i].hook))
			return replayers[i].decide(d, r, ret);
	return -EOPNOTSUPP;
}

int stk_whatif_draft_init(struct stk_whatif_draft *d, struct stk_policy *const *pols, size_t n,
			  const struct stk_compiled *all)
{
	struct stk_diags diags = {};
	size_t i;
	int err = 0;

	memset(d, 0, sizeof(*d));
	d->all = all;
	d->each = calloc(n ? n : 1, sizeof(*d->each));
	if (!d->each)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		err = stk_compile(&pols[i], 1, &d->each[i], &diags);
		if (!err)
			d->n_each++;
	}
	stk_diags_free(&diags);
	if (err)
		stk_whatif_draft_free(d);
	return err;
}

void stk_whatif_draft_free(struct stk_whatif_draft *d)
{
	size_t i;

	for (i = 0; i < d->n_each; i++)
		stk_compiled_free(d->each[i]);
	free(d->each);
	memset(d, 0, sizeof(*d));
}

void stk_whatif_stats_add(struct stk_whatif_stats *s, enum stk_outcome recorded,
			  enum stk_outcome draft)
{
	s->moves[recorded][draft]++;
	s->replayed++;
}

void stk_whatif_stats_print(const struct stk_whatif_stats *s, FILE *out)
{
	uint64_t same = 0;
	int a, b;

	fprintf(out, "Replayed %llu event%s against the draft:\n", (unsigned long long)s->replayed,
		s->replayed == 1 ? "" : "s");
	for (a = STK_OUT_COUNT - 1; a >= 0; a--)
		for (b = STK_OUT_COUNT - 1; b >= 0; b--) {
			if (!s->moves[a][b])
				continue;
			if (a == b) {
				same += s->moves[a][b];
				continue;
			}
			fprintf(out, "  %llu event%s that %s %s would be %s\n",
				(unsigned long long)s->moves[a][b], s->moves[a][b] == 1 ? "" : "s",
				s->moves[a][b] == 1 ? "was" : "were", outcome_past[a],
				outcome_past[b]);
		}
	fprintf(out, "  %llu event%s unchanged\n", (unsigned long long)same, same == 1 ? "" : "s");
	if (s->unknown_hook)
		fprintf(out, "  %llu event%s of hooks that cannot be replayed yet, skipped\n",
			(unsigned long long)s->unknown_hook, s->unknown_hook == 1 ? "" : "s");
	if (s->unreplayable)
		fprintf(out, "  %llu event%s without a whole path or access, skipped\n",
			(unsigned long long)s->unreplayable, s->unreplayable == 1 ? "" : "s");
	fprintf(out, "Only recorded events are replayed: accesses the log never saw (allowed\n"
		     "without audit) may be denied by the draft too.\n");
}

void stk_whatif_print_line(const struct stk_log_rec *r, enum stk_outcome recorded,
			   const struct stk_whatif *w, FILE *out)
{
	char ts[32], *comm = stk_log_safe(r->comm), *target = stk_log_target(r);
	char *rule = NULL, *safe_rule;

	stk_log_format_time(r->time_ns, ts, sizeof(ts));
	if (asprintf(&rule, "%s/%s", w->policy, w->rule) < 0)
		rule = NULL;
	safe_rule = stk_log_safe(rule ? rule : "?");
	fprintf(out, "%s  %c %-15s -> %-15s  by %-24s  pid %-7lld %-16s %s\n", ts,
		recorded != w->outcome ? '*' : ' ', stk_outcome_name(recorded),
		stk_outcome_name(w->outcome), safe_rule ? safe_rule : "?", (long long)r->pid,
		comm ? comm : "?", target ? target : "?");
	free(safe_rule);
	free(rule);
	free(comm);
	free(target);
}

void stk_whatif_print_json(const struct stk_log_rec *r, enum stk_outcome recorded,
			   const struct stk_whatif *w, FILE *out)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return;
	json_object_object_add(o, "recorded", json_object_new_string(stk_outcome_name(recorded)));
	json_object_object_add(o, "draft", json_object_new_string(stk_outcome_name(w->outcome)));
	json_object_object_add(o, "policy", json_object_new_string(w->policy));
	json_object_object_add(o, "rule", json_object_new_string(w->rule));
	json_object_object_add(o, "changed", json_object_new_boolean(recorded != w->outcome));
	json_object_object_add(r->obj, "whatif", o);
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(r->obj, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_object_del(r->obj, "whatif");
}
