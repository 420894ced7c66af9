/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * parse.c - read one policy document: its top-level keys, one function per
 * key or section; the sections live in files of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "files.h"
#include "network.h"
#include "ops.h"
#include "schema.h"
#include "scope.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void parse_version(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	(void)out;
	/* Any other integer was turned away before the walk (other_version()). */
	stk_want_type(c, v, json_type_int, "'stockade'");
}

static void parse_name(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;

	p->name = stk_parse_name(c, v, "policy name", STK_ID_MAX);
}

static void parse_mode(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;
	int m = stk_parse_mode(c, v);

	if (m >= 0)
		p->mode = (enum stk_mode)m;
}

static void parse_alert(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;

	if (stk_want_type(c, v, json_type_boolean, "'alert'"))
		p->alert = json_object_get_boolean(v->obj);
}

static const struct stk_member top_keys[] = {
	{ "stockade", parse_version, true },
	{ "name", parse_name, true },
	{ "mode", parse_mode, false },
	{ "alert", parse_alert, false },
	{ "files", stk_parse_files, false },
	{ "exec", stk_parse_exec, false },
	{ "capabilities", stk_parse_caps, false },
	{ "kernel", stk_parse_kernel, false },
	{ "sockets", stk_parse_sockets, false },
	{ "network", stk_parse_network, false },
	{ "scope", stk_parse_scope, false },
};

/*
 * A document of another version is not checked against this version's
 * language: the one error says why, where a list of unknown keys would only
 * be noise.
 */
static bool other_version(struct stk_pctx *c, const struct stk_jval *doc)
{
	struct json_object *v;
	struct stk_jval jv;

	if (!json_object_is_type(doc->obj, json_type_object) ||
	    !json_object_object_get_ex(doc->obj, "stockade", &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	/* Compared as text: json_object_get_int() would clamp huge numbers. */
	if (strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), "1") == 0)
		return false;
	jv = stk_jval_member(c, doc, "stockade", v);
	stk_perror(c, jv.pos, "unsupported policy version %s (this version reads %d)",
		   json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), STK_POLICY_VERSION);
	return true;
}

/* @rules may be NULL with @n > 0: dropped by stk_policy_drop_rules(). */
static void free_rules(struct stk_file_rule *rules, size_t n)
{
	size_t i, j;

	for (i = 0; rules && i < n; i++) {
		struct stk_file_rule *r = &rules[i];

		free(r->id);
		for (j = 0; j < r->n_paths; j++)
			free(r->paths[j]);
		free(r->paths);
		free(r->path_pos);
	}
	free(rules);
}

void stk_policy_drop_rules(struct stk_policy *p)
{
	free_rules(p->files.rules, p->files.n_rules);
	p->files.rules = NULL;
	free_rules(p->exec.rules, p->exec.n_rules);
	p->exec.rules = NULL;
	stk_network_drop_rules(&p->network);
}

void stk_policy_free(struct stk_policy *p)
{
	if (!p)
		return;
	free_rules(p->files.rules, p->files.n_rules);
	free_rules(p->exec.rules, p->exec.n_rules);
	stk_network_free(&p->network);
	stk_ops_free(p);
	stk_scope_free(&p->scope);
	free(p->name);
	free(p->file);
	free(p);
}

int stk_policy_parse(const char *file, const char *text, size_t len, struct stk_policy **ret_policy,
		     struct stk_diags *diags)
{
	struct stk_pctx c = { .file = file, .diags = diags };
	struct json_object *root = NULL;
	struct stk_json_index *ix = NULL;
	struct stk_policy *p = NULL;
	struct stk_jval doc;
	size_t first, errors;
	int r;

	if (!ret_policy || !diags || (!text && len))
		return -EINVAL;
	first = diags->n;
	errors = diags->n_errors;

	r = stk_json_parse(file, text, len, &root, &ix, diags);
	if (r)
		goto cleanup;

	p = calloc(1, sizeof(*p));
	if (!p || !(p->file = strdup(file ? file : "<input>"))) {
		r = -ENOMEM;
		goto cleanup;
	}
	p->mode = STK_MODE_ENFORCE;
	p->files.def = STK_ACT_ALLOW;
	p->exec.def = STK_ACT_ALLOW;
	c.ix = ix;
	c.pol = p;

	doc = (struct stk_jval){ .obj = root, .node = 0, .pos = stk_json_pos(ix, 0) };
	if (!other_version(&c, &doc)) {
		stk_parse_object(&c, &doc, NULL, top_keys, ARRAY_SIZE(top_keys), p);
		if (!c.err)
			stk_check_files(&c);
		if (!c.err)
			stk_check_exec(&c);
		if (!c.err)
			stk_check_ops(&c);
	}
	r = c.err;
	if (!r && diags->n_errors > errors)
		r = -EINVAL;

cleanup:
	/* The checks run in passes; the user reads the file from the top. */
	if (stk_diags_sort(diags, first) && !r)
		r = -ENOMEM;
	if (!r) {
		*ret_policy = p;
		p = NULL;
	}
	stk_policy_free(p);
	free(c.rule_id_pos);
	free(c.exec_id_pos);
	json_object_put(root);
	stk_json_index_free(ix);
	return r;
}
