/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * files.c - the "files" section: a default and a list of path rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "names.h"
#include "path.h"
#include "quote.h"

/* A rule being read, with what the checks need beyond struct stk_file_rule. */
struct rule_out {
	struct stk_file_rule *r;
	struct stk_pos *id_pos;
};

static void parse_id(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct rule_out *ro = out;
	char *id = stk_parse_name(c, v, "rule id", STK_ID_MAX);

	if (!id)
		return;
	if (strcmp(id, STK_DEFAULT_RULE_ID) == 0) {
		/* Events name the policy's default "default": a rule may not take the name. */
		stk_perror(c, v->pos, "rule id '%s' is reserved for the policy's default", id);
		free(id);
		return;
	}
	ro->r->id = id;
	*ro->id_pos = v->pos;
}

/* Reports what is wrong with the rule path @s, if anything; true if nothing. */
static bool path_ok(struct stk_pctx *c, const struct stk_jval *v, const char *s, size_t len)
{
	char q[STK_QUOTE_SIZE];
	size_t off = 0, n = 0;

	switch (stk_path_check(s, len, &off, &n)) {
	case STK_PATH_OK:
		return true;
	case STK_PATH_EMPTY:
		stk_perror(c, v->pos, "path must not be empty");
		break;
	case STK_PATH_NUL:
		stk_perror(c, v->pos, "path must not contain a NUL byte");
		break;
	case STK_PATH_RELATIVE:
		stk_perror(c, v->pos, "path must be absolute: '%s'", stk_quote(q, s, len));
		break;
	case STK_PATH_TOO_LONG:
		stk_perror(c, v->pos, "path is longer than %d bytes", STK_PATH_MAX - 1);
		break;
	case STK_PATH_NOT_NORMAL:
		if (n == 0)
			stk_perror(c, v->pos, "path must be normalised: '%s' contains '//'",
				   stk_quote(q, s, len));
		else
			stk_perror(c, v->pos,
				   "path must be normalised: '%s' contains a '%s' component",
				   stk_quote(q, s, len), n == 1 ? "." : "..");
		break;
	case STK_PATH_NAME_TOO_LONG:
		stk_perror(c, v->pos, "path component '%s' is longer than %d bytes",
			   stk_quote(q, s + off, n), STK_NAME_MAX);
		break;
	}
	return false;
}

static void parse_paths(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_file_rule *r = ((struct rule_out *)out)->r;
	size_t n = stk_parse_list(c, v, "'paths'"), i;

	if (n == 0)
		return;
	r->paths = calloc(n, sizeof(*r->paths));
	r->path_pos = calloc(n, sizeof(*r->path_pos));
	if (!r->paths || !r->path_pos) {
		stk_nomem(c);
		return;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval pv = stk_jval_element(c, v, i, o);
		char what[32];
		const char *s;
		size_t len;

		snprintf(what, sizeof(what), "paths[%zu]", i);
		if (!stk_want_type(c, &pv, json_type_string, what))
			continue;
		s = json_object_get_string(pv.obj);
		len = (size_t)json_object_get_string_len(pv.obj);
		if (!path_ok(c, &pv, s, len))
			continue;
		r->paths[r->n_paths] = stk_jval_strdup(c, &pv);
		if (!r->paths[r->n_paths])
			return;
		r->path_pos[r->n_paths++] = pv.pos;
	}
}

static void parse_access(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_file_rule *r = ((struct rule_out *)out)->r;
	size_t n = stk_parse_list(c, v, "'access'"), i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval av = stk_jval_element(c, v, i, o);
		int a = stk_parse_word(c, &av, "access", stk_access_words, STK_FACC_FILES);

		if (a < 0)
			continue;
		if (r->access & STK_FACC_BIT(a))
			stk_pwarn(c, av.pos, "access '%s' is listed twice", stk_access_words[a]);
		r->access |= STK_FACC_BIT(a);
	}
}

static void parse_action(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_file_rule *r = ((struct rule_out *)out)->r;
	int i = stk_parse_word(c, v, "action", stk_action_words, STK_N_ACTION_WORDS);

	if (i >= 0)
		r->action = (enum stk_action)(i + STK_ACT_ALLOW);
}

static void parse_rule_mode(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_file_rule *r = ((struct rule_out *)out)->r;
	int m = stk_parse_mode(c, v);

	if (m >= 0)
		r->mode = (enum stk_mode)m;
}

static void parse_rule_alert(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_file_rule *r = ((struct rule_out *)out)->r;

	if (stk_want_type(c, v, json_type_boolean, "'alert'"))
		r->alert = json_object_get_boolean(v->obj);
}

static const struct stk_member rule_keys[] = {
	{ "id", parse_id, true },
	{ "paths", parse_paths, true },
	{ "access", parse_access, true },
	{ "action", parse_action, true },
	{ "mode", parse_rule_mode, false },
	{ "alert", parse_rule_alert, false },
};

/* An exec rule: a path rule whose one access kind is exec. */
static const struct stk_member exec_rule_keys[] = {
	{ "id", parse_id, true },
	{ "paths", parse_paths, true },
	{ "action", parse_action, true },
	{ "mode", parse_rule_mode, false },
	{ "alert", parse_rule_alert, false },
};

void stk_parse_rule_list(struct stk_pctx *c, const struct stk_jval *v, bool exec,
			 struct stk_file_rule **ret_rules, size_t *ret_n,
			 struct stk_pos **ret_id_pos)
{
	const struct stk_member *keys = exec ? exec_rule_keys : rule_keys;
	size_t n_keys = exec ? sizeof(exec_rule_keys) / sizeof(exec_rule_keys[0]) :
			       sizeof(rule_keys) / sizeof(rule_keys[0]);
	struct stk_file_rule *rules;
	struct stk_pos *id_pos;
	size_t n, i;

	if (!stk_want_type(c, v, json_type_array, "'rules'"))
		return;
	n = json_object_array_length(v->obj);
	if (n == 0)
		return;
	rules = calloc(n, sizeof(*rules));
	id_pos = calloc(n, sizeof(*id_pos));
	/* Owned by the policy and the context from here, so they are freed whatever happens. */
	*ret_rules = rules;
	*ret_id_pos = id_pos;
	if (!rules || !id_pos) {
		stk_nomem(c);
		return;
	}
	/* Every slot counts, so a rule that failed to parse is still freed. */
	*ret_n = n;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval rv = stk_jval_element(c, v, i, o);
		struct rule_out ro = { &rules[i], &id_pos[i] };
		char what[32];

		snprintf(what, sizeof(what), "rules[%zu]", i);
		ro.r->pos = rv.pos;
		*ro.id_pos = rv.pos;
		if (exec)
			ro.r->access = STK_FACC_BIT(STK_FACC_EXEC);
		stk_parse_object(c, &rv, what, keys, n_keys, &ro);
		if (c->err)
			return;
	}
}

static void parse_default(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	static const char *const words[] = { "allow", "deny" };
	struct stk_policy *p = out;
	int i = stk_parse_word(c, v, "default", words, 2);

	if (i >= 0)
		p->files.def = i == 0 ? STK_ACT_ALLOW : STK_ACT_DENY;
}

static void parse_rules(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;

	stk_parse_rule_list(c, v, false, &p->files.rules, &p->files.n_rules, &c->rule_id_pos);
}

static const struct stk_member files_keys[] = {
	{ "default", parse_default, false },
	{ "rules", parse_rules, false },
};

void stk_parse_files(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	stk_parse_object(c, v, "'files'", files_keys, sizeof(files_keys) / sizeof(files_keys[0]),
			 out);
}
