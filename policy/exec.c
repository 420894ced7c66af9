/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * exec.c - the "exec" section: a default, path rules, deny_fileless.
 *
 * An exec rule is a file rule with the one access kind exec, so it is
 * checked, compiled and enforced by the same code as the file rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "files.h"

static void parse_default(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	static const char *const words[] = { "allow", "deny" };
	struct stk_policy *p = out;
	int i = stk_parse_word(c, v, "default", words, 2);

	if (i >= 0)
		p->exec.def = i == 0 ? STK_ACT_ALLOW : STK_ACT_DENY;
}

static void parse_rules(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;

	stk_parse_rule_list(c, v, true, &p->exec.rules, &p->exec.n_rules, &c->exec_id_pos);
}

static void parse_fileless(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;

	if (stk_want_type(c, v, json_type_boolean, "'deny_fileless'"))
		p->exec.deny_fileless = json_object_get_boolean(v->obj);
}

static const struct stk_member exec_keys[] = {
	{ "default", parse_default, false },
	{ "rules", parse_rules, false },
	{ "deny_fileless", parse_fileless, false },
};

void stk_parse_exec(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	stk_parse_object(c, v, "'exec'", exec_keys, sizeof(exec_keys) / sizeof(exec_keys[0]), out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An exec rule may not take the id of a file rule: events name rules by id. */
static void check_ids_across(struct stk_pctx *c)
{
	const struct stk_policy *p = c->pol;
	const char **ids;
	size_t n = 0, i;

	if (!p->files.n_rules)
		return;
	ids = malloc(p->files.n_rules * sizeof(*ids));
	if (!ids) {
		stk_nomem(c);
		return;
	}
	for (i = 0; i < p->files.n_rules; i++)
		if (p->files.rules[i].id)
			ids[n++] = p->files.rules[i].id;
	qsort(ids, n, sizeof(*ids), cmp_str);
	for (i = 0; i < p->exec.n_rules; i++) {
		const char *id = p->exec.rules[i].id;

		if (id && n && bsearch(&id, ids, n, sizeof(*ids), cmp_str))
			stk_perror(c, c->exec_id_pos[i],
				   "duplicate rule id '%s' (also used by a files rule)", id);
	}
	free(ids);
}

void stk_check_exec(struct stk_pctx *c)
{
	struct stk_policy *p = c->pol, view;
	struct stk_pos *files_id_pos = c->rule_id_pos;

	if (p->exec.n_rules == 0)
		return;
	check_ids_across(c);
	/* The file rules' checks, on a policy whose file rules are the exec rules. */
	view = *p;
	view.files.def = p->exec.def;
	view.files.rules = p->exec.rules;
	view.files.n_rules = p->exec.n_rules;
	c->pol = &view;
	c->rule_id_pos = c->exec_id_pos;
	stk_check_files(c);
	c->pol = p;
	c->rule_id_pos = files_id_pos;
}
