/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * compile_scope.c - one compiled table per scope.
 *
 * Scope 0 is the host policies alone. Scope s >= 1 is the s-th scoped
 * policy compiled together with the host policies by stk_compile_flat(),
 * which already combines policies so that a deny of either wins; the
 * kernel then needs one lookup per level in one scope, whatever the
 * number of scopes. Each scope's rule table is appended to scope 0's, and
 * its rule numbers moved by as much, so events name rules from one table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"
#include "scope.h"

static void rebase(__u32 *rule, uint32_t base)
{
	if (*rule != STK_RULE_NONE)
		*rule += base;
}

static void rebase_verdict(struct stk_file_verdict *v, uint32_t base)
{
	int k;

	for (k = 0; k < STK_FACC_COUNT; k++)
		rebase(&v->rule[k], base);
}

static void rebase_ops(struct stk_ops_config *o, uint32_t base)
{
	struct stk_op_verdict *v = (struct stk_op_verdict *)o;
	size_t i;

	for (i = 0; i < sizeof(*o) / sizeof(*v); i++)
		rebase(&v[i].rule, base);
}

/* Moves every rule number of @s by @base. */
static void rebase_compiled(struct stk_compiled *s, uint32_t base)
{
	size_t i;

	for (i = 0; i < s->n_paths; i++) {
		rebase_verdict(&s->paths[i].value.exact, base);
		rebase_verdict(&s->paths[i].value.tree, base);
	}
	rebase_verdict(&s->file_default, base);
	rebase_ops(&s->ops, base);
	rebase(&s->fileless_rule, base);
	for (i = 0; s->net && i < s->net->n_segs; i++)
		rebase(&s->net->segs[i].rule, base);
}

/* Appends table @src to @dst as table @table: keys tagged, class and segment numbers moved. */
static int append_net(struct stk_net_compiled *dst, const struct stk_net_compiled *src,
		      uint16_t table)
{
	uint32_t cls_base = (uint32_t)(dst->n_classes / STK_NPROTO_COUNT);
	uint32_t seg_base = (uint32_t)dst->n_segs;
	void *p;
	size_t i;

#define GROW(field, n_field)                                                                 \
	p = realloc(dst->field, (dst->n_field + src->n_field + 1) * sizeof(*dst->field));     \
	if (!p)                                                                              \
		return -ENOMEM;                                                              \
	dst->field = p;                                                                      \
	memcpy(dst->field + dst->n_field, src->field, src->n_field * sizeof(*dst->field));

	GROW(v4, n_v4)
	GROW(v6, n_v6)
	GROW(classes, n_classes)
	GROW(segs, n_segs)
#undef GROW
	for (i = 0; i < src->n_v4; i++) {
		dst->v4[dst->n_v4 + i].key.table = table;
		dst->v4[dst->n_v4 + i].class_id += cls_base;
	}
	for (i = 0; i < src->n_v6; i++) {
		dst->v6[dst->n_v6 + i].key.table = table;
		dst->v6[dst->n_v6 + i].class_id += cls_base;
	}
	for (i = 0; i < src->n_classes; i++)
		dst->classes[dst->n_classes + i].first += seg_base;
	dst->n_v4 += src->n_v4;
	dst->n_v6 += src->n_v6;
	dst->n_classes += src->n_classes;
	dst->n_segs += src->n_segs;
	return 0;
}

/*
 * When a scoped policy has network rules: one set of network maps for all
 * scopes. Table 0 is the host's; a scope whose policy has network rules
 * gets its own table (its policy with the host's, deny-wins like files),
 * the others share the host's, or have none if the host has none.
 */
static int merge_net(struct stk_compiled *c)
{
	struct stk_net_compiled *m;
	size_t s;
	int err = 0;

	for (s = 0; s < c->n_scopes; s++)
		if (c->scope_policy[s]->network.present)
			break;
	if (s == c->n_scopes)
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->present = true;
	m->table[0] = c->net->present ? 0 : STK_NET_NO_RULES;
	if (c->net->present)
		err = append_net(m, c->net, 0);
	for (s = 0; s < c->n_scopes && !err; s++) {
		if (!c->scope_policy[s]->network.present) {
			m->table[s + 1] = m->table[0];
			continue;
		}
		m->table[s + 1] = (uint32_t)(s + 1);
		err = append_net(m, c->scopes[s]->net, (uint16_t)(s + 1));
	}
	for (s = c->n_scopes + 1; s < STK_SCOPE_MAX; s++)
		m->table[s] = m->table[0];
	if (err) {
		stk_net_compiled_free(m);
		return err;
	}
	c->net_scoped = m;
	return 0;
}

/* Identical globs in two scoped policies: which one applies would be a tie. */
static int check_ties(struct stk_policy *const *scoped, size_t n, struct stk_diags *diags)
{
	size_t i, j, a, b;

	for (i = 0; i < n; i++)
		for (a = 0; a < scoped[i]->scope.n; a++)
			for (j = 0; j < i; j++)
				for (b = 0; b < scoped[j]->scope.n; b++) {
					const struct stk_policy *p = scoped[i], *q = scoped[j];

					if (strcmp(p->scope.cgroups[a], q->scope.cgroups[b]))
						continue;
					if (stk_diags_add(diags, p->file, p->scope.pos[a].line,
							  p->scope.pos[a].col, STK_SEV_ERROR,
							  "cgroup glob \"%s\" is also in the scope of "
							  "policy '%s' (%s:%d:%d): a cgroup it matches "
							  "would be a tie between the two",
							  p->scope.cgroups[a], q->name, q->file,
							  q->scope.pos[b].line, q->scope.pos[b].col))
						return -ENOMEM;
				}
	return 0;
}

/* The limits on scopes; errors at the scope key. */
static int check_scoped(struct stk_policy *const *scoped, size_t n, struct stk_diags *diags)
{
	size_t i, n_globs = 0;
	int r = 0;

	for (i = 0; i < n && !r; i++) {
		const struct stk_policy *p = scoped[i];

		n_globs += p->scope.n;
		if (i + 1 == STK_SCOPE_MAX)
			r = stk_diags_add(diags, p->file, p->scope.key_pos.line,
					  p->scope.key_pos.col, STK_SEV_ERROR,
					  "too many scoped policies (at most %d)", STK_SCOPE_MAX - 1);
		if (!r && n_globs > STK_GLOB_MAX && n_globs - p->scope.n <= STK_GLOB_MAX)
			r = stk_diags_add(diags, p->file, p->scope.key_pos.line,
					  p->scope.key_pos.col, STK_SEV_ERROR,
					  "too many cgroup globs over all scoped policies (at most %d)",
					  STK_GLOB_MAX);
	}
	return r ? -ENOMEM : 0;
}

static int build_globs(struct stk_compiled *c, struct stk_policy *const *scoped, size_t n)
{
	size_t i, j, n_globs = 0, off;
	const char *why;

	for (i = 0; i < n; i++)
		n_globs += scoped[i]->scope.n;
	c->globs = calloc(n_globs ? n_globs : 1, sizeof(*c->globs));
	c->glob_text = calloc(n_globs ? n_globs : 1, sizeof(*c->glob_text));
	if (!c->globs || !c->glob_text)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		for (j = 0; j < scoped[i]->scope.n; j++) {
			/* The parser checked every glob: this cannot fail. */
			if (stk_glob_compile(scoped[i]->scope.cgroups[j], (__u16)(i + 1),
					     &c->globs[c->n_globs], &why, &off))
				return -EINVAL;
			c->glob_text[c->n_globs++] = scoped[i]->scope.cgroups[j];
		}
	return 0;
}

int stk_compile(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled **ret,
		struct stk_diags *diags)
{
	struct stk_policy **host = NULL, **scoped = NULL;
	struct stk_compiled *c = NULL, *s;
	size_t n_host = 0, n_scoped = 0, errors, i;
	int r;

	if (!ret || !diags || (n_pols && !pols))
		return -EINVAL;
	for (i = 0; i < n_pols; i++)
		if (!pols[i])
			return -EINVAL;
	errors = diags->n_errors;
	r = -ENOMEM;
	/* One more slot: a scope's list is the host policies and its own. */
	host = calloc(n_pols + 1, sizeof(*host));
	scoped = calloc(n_pols + 1, sizeof(*scoped));
	if (!host || !scoped)
		goto cleanup;
	for (i = 0; i < n_pols; i++) {
		if (pols[i]->scope.n)
			scoped[n_scoped++] = pols[i];
		else
			host[n_host++] = pols[i];
	}
	if (check_ties(scoped, n_scoped, diags) || check_scoped(scoped, n_scoped, diags))
		goto cleanup;
	r = -EINVAL;
	if (diags->n_errors > errors)
		goto cleanup;

	r = stk_compile_flat(host, n_host, &c, diags);
	if (r)
		goto cleanup;
	r = -ENOMEM;
	c->scopes = calloc(n_scoped ? n_scoped : 1, sizeof(*c->scopes));
	c->scope_policy = calloc(n_scoped ? n_scoped : 1, sizeof(*c->scope_policy));
	if (!c->scopes || !c->scope_policy)
		goto cleanup;
	r = build_globs(c, scoped, n_scoped);
	if (r)
		goto cleanup;
	for (i = 0; i < n_scoped; i++) {
		host[n_host] = scoped[i];
		r = stk_compile_flat(host, n_host + 1, &s, diags);
		if (r)
			goto cleanup;
		c->scopes[c->n_scopes] = s;
		c->scope_policy[c->n_scopes++] = scoped[i];
		rebase_compiled(s, (uint32_t)c->n_rules);
		r = stk_compiled_append_rules(c, s->rules, s->n_rules);
		if (!r && c->n_rules >= (1u << 30))
			r = -E2BIG;
		if (r)
			goto cleanup;
	}
	r = merge_net(c);
	if (r)
		goto cleanup;
	*ret = c;
	c = NULL;
	r = 0;
cleanup:
	stk_compiled_free(c);
	free(host);
	free(scoped);
	return r;
}
