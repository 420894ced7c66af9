/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * compile.c - combine policies into one path table.
 *
 * WHAT THE TABLE SAYS
 *
 * Every path P that a rule of any policy names has one entry (a subtree
 * rule's trailing '/' dropped, so "/etc/" and "/etc" share the entry
 * "/etc"). For one policy and one access kind k:
 *
 *   exact_pol(P, k): the policy's verdict for the file P itself: its rules
 *	at P of either kind (same length: the most severe wins, then the
 *	earlier rule, whatever the kinds), else its nearest subtree rule above
 *	P, else its default;
 *   tree_pol(P, k): its verdict for anything strictly below P: its subtree
 *	rule at P, else its nearest subtree rule above P, else its default.
 *
 * Only rules whose access list holds k count for k. The entry stores the
 * most severe over all policies (enforced deny > complain deny > audit >
 * allow, stk_action_rank(); as severe: the earlier policy), with the index of
 * the deciding rule in stk_compiled.rules (a policy's default is a rule
 * named STK_DEFAULT_RULE_ID):
 *
 *   value.exact = max over policies of exact_pol(P, .)  if has_exact, else absent
 *   value.tree  = max over policies of tree_pol(P, .)   if has_tree, else absent
 *
 * A verdict is absent when every one of its action bytes is STK_ACT_NONE;
 * a present one has no STK_ACT_NONE byte at all. That is how the kernel,
 * which cannot see has_exact and has_tree, tells them.
 *
 * HOW TO READ IT (the kernel does this by inode, stk_explain_file() by string)
 *
 * For an access to F, visit F, its parent, ..., "/" (F is level 0):
 *   level 0:   exact present -> exact decides; else tree present -> tree decides;
 *   level > 0: tree present -> tree decides; else go on up (exact never
 *	applies to anything but the file itself);
 *   no entry decided: stk_compiled.file_default (the policies' defaults).
 *
 * WHY ONE LOOKUP PER LEVEL IS ENOUGH
 *
 * - A present verdict is complete, so the entry that decides does so for
 *   every access kind, in every policy.
 * - An entry passed over above level 0 has no subtree rule in any policy,
 *   and only subtree rules reach below their path; so the first entry with a
 *   tree part holds, for every policy, its nearest subtree rule: its
 *   longest match. Where no entry has one, every policy falls to its default.
 * - When no policy has an exact rule at P, exact_pol(P) = tree_pol(P)
 *   for every policy, so the tree part also serves the file P itself.
 *
 * COST
 *
 * Items (one per rule path) are sorted once; each entry's parent entry is
 * found by cutting path components and binary search; each policy's
 * verdicts are then one pass over the sorted entries (parents sort before
 * children). O(n log n) in the number of rule paths, times the depth.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"
#include "ops.h"
#include "path.h"
#include "scope.h"
#include "verdict.h"

/* One path of one rule. */
struct item {
	const char *path; /* normalised: @len bytes, no trailing '/' */
	size_t len;
	uint32_t pol;
	uint32_t rule; /* index in stk_compiled.rules */
	uint32_t access;
	uint8_t byte;
	bool tree;
};

struct slot {
	uint8_t byte;
	uint32_t rule;
};

static const struct slot no_slot = { STK_ACT_NONE, STK_RULE_NONE };

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = stk_path_cmp(x->path, x->len, y->path, y->len);

	return c ? c : cmp_u32(x->pol, y->pol) ?: cmp_u32(x->rule, y->rule);
}

/*
 * The more severe wins; of two as severe, the lower rule index: the earlier
 * rule of a policy, the earlier policy (rule indexes grow with both).
 */
static void take_worse(struct slot *dst, struct slot src)
{
	unsigned int a = stk_action_rank(src.byte), b = stk_action_rank(dst->byte);

	if (a > b || (a == b && src.rule < dst->rule))
		*dst = src;
}

static void verdict_take_worse(struct stk_file_verdict *v, int k, struct slot s)
{
	struct slot cur = { v->action[k], v->rule[k] };

	take_worse(&cur, s);
	v->action[k] = cur.byte;
	v->rule[k] = cur.rule;
}

static void verdict_clear(struct stk_file_verdict *v)
{
	int k;

	memset(v, 0, sizeof(*v));
	for (k = 0; k < STK_FACC_COUNT; k++)
		v->rule[k] = STK_RULE_NONE;
}

void stk_compiled_drop_paths(struct stk_compiled *c)
{
	size_t i;

	for (i = 0; i < c->n_paths; i++)
		free(c->paths[i].path);
	free(c->paths);
	c->paths = NULL;
	c->n_paths = 0;
}

void stk_compiled_drop_net(struct stk_compiled *c)
{
	size_t i;

	stk_net_compiled_drop(c->net);
	stk_net_compiled_drop(c->net_scoped);
	for (i = 0; i < c->n_scopes; i++)
		stk_compiled_drop_net(c->scopes[i]);
}

int stk_compiled_append_rules(struct stk_compiled *c, const struct stk_rule_ref *add, size_t n_add)
{
	size_t n = c->n_rules + n_add, bytes = n * sizeof(*c->rules), i, o = 0;
	struct stk_rule_ref *v;
	const char *last_pol = NULL, *copy_pol = NULL;
	char *str;

	for (i = 0; i < n; i++) {
		const struct stk_rule_ref *r = i < c->n_rules ? &c->rules[i] : &add[i - c->n_rules];

		bytes += strlen(r->policy) + strlen(r->id) + 2;
	}
	v = malloc(bytes ? bytes : 1);
	if (!v)
		return -ENOMEM;
	str = (char *)(v + n);
	for (i = 0; i < n; i++) {
		const struct stk_rule_ref *r = i < c->n_rules ? &c->rules[i] : &add[i - c->n_rules];

		if (r->policy != last_pol) {
			copy_pol = str;
			str = stpcpy(str, r->policy) + 1;
			last_pol = r->policy;
		}
		v[o].policy = copy_pol;
		v[o].alert = r->alert;
		v[o++].id = str;
		str = stpcpy(str, r->id) + 1;
	}
	free(c->rules);
	c->rules = v;
	c->n_rules = n;
	return 0;
}

void stk_compiled_free(struct stk_compiled *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_paths; i++)
		free(c->paths[i].path);
	free(c->paths);
	/* The names rules[] points to live in the same block. */
	free(c->rules);
	stk_net_compiled_free(c->net);
	stk_net_compiled_free(c->net_scoped);
	for (i = 0; i < c->n_scopes; i++)
		stk_compiled_free(c->scopes[i]);
	free(c->scopes);
	free(c->scope_policy);
	free(c->globs);
	free(c->glob_text);
	free(c);
}

/* Rule @j of @p in rule-table order: its file rules, then its exec rules. */
static const struct stk_file_rule *rule_at(const struct stk_policy *p, size_t j)
{
	return j < p->files.n_rules ? &p->files.rules[j] : &p->exec.rules[j - p->files.n_rules];
}

/* How many rule-table slots policy @p takes: its default and its rules. */
static uint32_t rule_slots(const struct stk_policy *p)
{
	return 1 + (uint32_t)(p->files.n_rules + p->exec.n_rules);
}

/* Checks what the parser guarantees, for policies built by other means. */
static int check_input(struct stk_policy *const *pols, size_t n_pols, size_t *ret_rules,
		       size_t *ret_items, struct stk_diags *diags)
{
	size_t errors = diags->n_errors, n_rules = 0, n_items = 0, i, j, k;

	for (i = 0; i < n_pols; i++) {
		const struct stk_policy *p = pols[i];

		if (!p || !p->name)
			return -EINVAL;
		if (p->files.def != STK_ACT_ALLOW && p->files.def != STK_ACT_DENY &&
		    stk_diags_add(diags, p->file, 1, 1, STK_SEV_ERROR,
				  "policy '%s': invalid files default %d", p->name, p->files.def))
			return -ENOMEM;
		if (p->exec.def != STK_ACT_ALLOW && p->exec.def != STK_ACT_DENY &&
		    stk_diags_add(diags, p->file, 1, 1, STK_SEV_ERROR,
				  "policy '%s': invalid exec default %d", p->name, p->exec.def))
			return -ENOMEM;
		n_rules += 1 + p->files.n_rules + p->exec.n_rules;
		for (j = 0; j < p->files.n_rules + p->exec.n_rules; j++) {
			const struct stk_file_rule *r = rule_at(p, j);

			if ((r->action < STK_ACT_ALLOW || r->action > STK_ACT_DENY || !r->id) &&
			    stk_diags_add(diags, p->file, r->pos.line, r->pos.col, STK_SEV_ERROR,
					  "rule has no valid id or action"))
				return -ENOMEM;
			for (k = 0; k < r->n_paths; k++) {
				struct stk_pos pos = r->path_pos ? r->path_pos[k] : r->pos;

				if (stk_path_check(r->paths[k], strlen(r->paths[k]), NULL, NULL) &&
				    stk_diags_add(diags, p->file, pos.line, pos.col, STK_SEV_ERROR,
						  "invalid rule path"))
					return -ENOMEM;
			}
			n_items += r->n_paths;
		}
	}
	if (n_rules >= STK_RULE_NONE) {
		if (stk_diags_add(diags, n_pols ? pols[0]->file : NULL, 1, 1, STK_SEV_ERROR,
				  "too many rules: %zu", n_rules))
			return -ENOMEM;
	}
	*ret_rules = n_rules;
	*ret_items = n_items;
	return diags->n_errors > errors ? -EINVAL : 0;
}

/*
 * The rule table: per policy its default, then its rules. One block holds
 * the array and the names it points to, so it is freed at once and does not
 * depend on the policies staying alive.
 */
static int build_rules(struct stk_compiled *c, struct stk_policy *const *pols, size_t n_pols,
		       size_t n_rules)
{
	size_t bytes = n_rules * sizeof(*c->rules), i, j, o = 0;
	struct stk_rule_ref *v;
	char *str;

	for (i = 0; i < n_pols; i++) {
		bytes += strlen(pols[i]->name) + 1;
		for (j = 0; j + 1 < rule_slots(pols[i]); j++)
			bytes += strlen(rule_at(pols[i], j)->id) + 1;
	}
	v = malloc(bytes ? bytes : 1);
	if (!v)
		return -ENOMEM;
	str = (char *)(v + n_rules);
	for (i = 0; i < n_pols; i++) {
		const struct stk_policy *p = pols[i];
		const char *name = str;

		str = stpcpy(str, p->name) + 1;
		v[o++] = (struct stk_rule_ref){ name, STK_DEFAULT_RULE_ID, p->alert };
		for (j = 0; j + 1 < rule_slots(p); j++) {
			v[o++] = (struct stk_rule_ref){ name, str, p->alert || rule_at(p, j)->alert };
			str = stpcpy(str, rule_at(p, j)->id) + 1;
		}
	}
	c->rules = v;
	c->n_rules = n_rules;
	return 0;
}

static void fill_items(struct item *items, struct stk_policy *const *pols, size_t n_pols)
{
	size_t i, j, k, n = 0;
	uint32_t base = 0;

	for (i = 0; i < n_pols; i++) {
		const struct stk_policy *p = pols[i];

		for (j = 0; j + 1 < rule_slots(p); j++) {
			const struct stk_file_rule *r = rule_at(p, j);

			for (k = 0; k < r->n_paths; k++) {
				size_t len = strlen(r->paths[k]);

				items[n++] = (struct item){
					.path = r->paths[k],
					.len = stk_path_norm_len(r->paths[k], len),
					.pol = (uint32_t)i,
					.rule = base + 1 + (uint32_t)j,
					.access = r->access,
					.byte = stk_action_byte(r->action, stk_rule_mode(r, p)),
					.tree = stk_path_is_tree(r->paths[k], len),
				};
			}
		}
		base += rule_slots(p);
	}
}

/* One entry per distinct path; @group[e] is where entry e's items start. */
static int build_entries(struct stk_compiled *c, const struct item *items, size_t n_items,
			 struct stk_path_key *keys, size_t *group)
{
	size_t i, n = 0;

	for (i = 0; i < n_items; i++) {
		if (n == 0 || stk_path_cmp(keys[n - 1].s, keys[n - 1].len, items[i].path,
					   items[i].len) != 0) {
			keys[n] = (struct stk_path_key){ items[i].path, items[i].len };
			group[n++] = i;
		}
	}
	group[n] = n_items;

	c->paths = calloc(n ? n : 1, sizeof(*c->paths));
	if (!c->paths)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct stk_path_entry *e = &c->paths[i];
		size_t j;

		e->path = strndup(keys[i].s, keys[i].len);
		if (!e->path)
			return -ENOMEM;
		c->n_paths++;
		verdict_clear(&e->value.exact);
		verdict_clear(&e->value.tree);
		for (j = group[i]; j < group[i + 1]; j++) {
			if (items[j].tree)
				e->has_tree = true;
			else
				e->has_exact = true;
		}
	}
	return 0;
}

/*
 * Folds policy @pol into every entry. @tree_v[e] receives tree_pol(e) for
 * the entries below; @cursor[e] walks entry e's items, which are sorted by
 * policy, so over all policies each item is visited once.
 */
static void fold_policy(struct stk_compiled *c, const struct item *items, uint32_t pol,
			const struct slot *def, const long *parent, const size_t *group,
			size_t *cursor,
			struct slot (*tree_v)[STK_FACC_COUNT])
{
	size_t e;
	int k;

	for (e = 0; e < c->n_paths; e++) {
		struct stk_path_entry *pe = &c->paths[e];
		struct slot own_x[STK_FACC_COUNT], own_t[STK_FACC_COUNT];

		for (k = 0; k < STK_FACC_COUNT; k++)
			own_x[k] = own_t[k] = no_slot;
		for (; cursor[e] < group[e + 1] && items[cursor[e]].pol == pol; cursor[e]++) {
			const struct item *it = &items[cursor[e]];
			struct slot s = { it->byte, it->rule };

			for (k = 0; k < STK_FACC_COUNT; k++)
				if (it->access & STK_FACC_BIT(k))
					take_worse(it->tree ? &own_t[k] : &own_x[k], s);
		}
		for (k = 0; k < STK_FACC_COUNT; k++) {
			struct slot inh = parent[e] >= 0 ? tree_v[parent[e]][k] : def[k];
			struct slot ex = own_x[k];

			tree_v[e][k] = own_t[k].byte != STK_ACT_NONE ? own_t[k] : inh;
			take_worse(&ex, own_t[k]);
			if (ex.byte == STK_ACT_NONE)
				ex = inh;
			if (pe->has_exact)
				verdict_take_worse(&pe->value.exact, k, ex);
			if (pe->has_tree)
				verdict_take_worse(&pe->value.tree, k, tree_v[e][k]);
		}
	}
}

int stk_compile_flat(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled **ret,
		     struct stk_diags *diags)
{
	struct stk_compiled *c = NULL;
	struct item *items = NULL;
	struct stk_path_key *keys = NULL;
	struct slot(*tree_v)[STK_FACC_COUNT] = NULL;
	size_t *group = NULL, *cursor = NULL, n_rules, n_items, i;
	long *parent = NULL;
	uint32_t base = 0;
	int r, k;

	if (!ret || !diags || (n_pols && !pols))
		return -EINVAL;
	r = check_input(pols, n_pols, &n_rules, &n_items, diags);
	if (r)
		return r;

	r = -ENOMEM;
	c = calloc(1, sizeof(*c));
	items = malloc((n_items ? n_items : 1) * sizeof(*items));
	keys = malloc((n_items ? n_items : 1) * sizeof(*keys));
	group = malloc((n_items + 1) * sizeof(*group));
	if (!c || !items || !keys || !group)
		goto cleanup;
	if (build_rules(c, pols, n_pols, n_rules))
		goto cleanup;

	fill_items(items, pols, n_pols);
	qsort(items, n_items, sizeof(*items), cmp_item);
	if (build_entries(c, items, n_items, keys, group))
		goto cleanup;

	parent = malloc((c->n_paths ? c->n_paths : 1) * sizeof(*parent));
	cursor = malloc((c->n_paths ? c->n_paths : 1) * sizeof(*cursor));
	tree_v = malloc((c->n_paths ? c->n_paths : 1) * sizeof(*tree_v));
	if (!parent || !cursor || !tree_v)
		goto cleanup;
	stk_path_parents(keys, c->n_paths, parent);
	memcpy(cursor, group, c->n_paths * sizeof(*cursor));

	verdict_clear(&c->file_default);
	c->fileless_rule = STK_RULE_NONE;
	for (i = 0; i < n_pols; i++) {
		const struct stk_policy *p = pols[i];
		struct slot def[STK_FACC_COUNT];

		/* The exec kind falls to the exec section's default, the others to files'. */
		for (k = 0; k < STK_FACC_COUNT; k++) {
			enum stk_action a = k == STK_FACC_EXEC ? p->exec.def : p->files.def;

			def[k] = (struct slot){ stk_action_byte(a, p->mode), base };
		}
		fold_policy(c, items, (uint32_t)i, def, parent, group, cursor, tree_v);
		for (k = 0; k < STK_FACC_COUNT; k++)
			verdict_take_worse(&c->file_default, k, def[k]);
		if (p->exec.deny_fileless) {
			struct slot fl = { c->fileless_action, c->fileless_rule };
			struct slot deny = { stk_action_byte(STK_ACT_DENY, p->mode), base };

			take_worse(&fl, deny);
			c->exec_flags |= STK_EXECF_DENY_FILELESS;
			c->fileless_action = fl.byte;
			c->fileless_rule = fl.rule;
		}
		base += rule_slots(p);
	}
	/* No policy at all: nothing to enforce. */
	if (n_pols == 0)
		memset(c->file_default.action, STK_ACT_ALLOW, sizeof(c->file_default.action));
	c->file_unruled = stk_file_unruled_default(&c->file_default);
	for (i = 0; i < c->n_paths; i++) {
		c->file_unruled &= (uint8_t)~stk_file_value_ruled(&c->paths[i].value);
		stk_verdict_keyed(&c->paths[i].value.exact, &c->file_keyed);
		stk_verdict_keyed(&c->paths[i].value.tree, &c->file_keyed);
	}
	/* Each appends its rules to c->rules after what is there. */
	r = stk_compile_ops(c, pols, n_pols);
	if (!r)
		r = stk_compile_net(pols, n_pols, c, diags);
	if (r)
		goto cleanup;

	*ret = c;
	c = NULL;
	r = 0;
cleanup:
	stk_compiled_free(c);
	free(items);
	free(keys);
	free(group);
	free(parent);
	free(cursor);
	free(tree_v);
	return r;
}
