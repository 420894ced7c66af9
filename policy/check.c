/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * check.c - checks across the file rules of one policy, once it is read:
 * unique ids, rules that contradict or repeat each other on one path, and
 * rules that change nothing. Everything is sorted, never compared pairwise,
 * so a generated policy with 100,000 rules checks in a blink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "names.h"
#include "path.h"
#include "quote.h"
#include "verdict.h"

/* One path of one valid rule. */
struct item {
	const char *path; /* as written: a subtree keeps its trailing '/' */
	size_t len;
	size_t norm_len;
	uint32_t rule;
	uint32_t j; /* index in the rule's paths */
	uint32_t access;
	uint8_t byte; /* action byte, complain flag included */
};

/* stk_action_rank() of any action byte is below this. */
#define N_RANKS 8

static const char *rule_name(const struct stk_policy *p, uint32_t rule, char buf[32])
{
	if (p->files.rules[rule].id)
		return p->files.rules[rule].id;
	snprintf(buf, 32, "rules[%u]", rule);
	return buf;
}

/* "read, write" for the kinds in @mask. */
static const char *access_list(uint32_t mask, char buf[64])
{
	size_t o = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < STK_FACC_COUNT; k++)
		if (mask & STK_FACC_BIT(k))
			o += (size_t)snprintf(buf + o, 64 - o, "%s%s", o ? ", " : "",
					      stk_access_words[k]);
	return buf;
}

static const char *byte_name(uint8_t b)
{
	if (b == (STK_ACT_DENY | STK_ACT_COMPLAIN))
		return "deny (complain)";
	return stk_action_name((enum stk_action)(b & STK_ACT_MASK));
}

struct id_ref {
	const char *id;
	uint32_t rule;
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

static void check_ids(struct stk_pctx *c)
{
	const struct stk_policy *p = c->pol;
	struct id_ref *v;
	size_t n = 0, i, first = 0;

	v = malloc(p->files.n_rules * sizeof(*v));
	if (!v) {
		stk_nomem(c);
		return;
	}
	for (i = 0; i < p->files.n_rules; i++)
		if (p->files.rules[i].id)
			v[n++] = (struct id_ref){ p->files.rules[i].id, (uint32_t)i };
	qsort(v, n, sizeof(*v), cmp_id);
	for (i = 1; i < n; i++) {
		struct stk_pos was;

		if (strcmp(v[i].id, v[first].id) != 0) {
			first = i;
			continue;
		}
		was = c->rule_id_pos[v[first].rule];
		stk_perror(c, c->rule_id_pos[v[i].rule],
			   "duplicate rule id '%s' (first used at %d:%d)", v[i].id, was.line,
			   was.col);
	}
	free(v);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

/* By the first @xlen/@ylen bytes of the paths, then document order. */
static int cmp_items(const struct item *x, size_t xlen, const struct item *y, size_t ylen)
{
	int c = stk_path_cmp(x->path, xlen, y->path, ylen);

	if (c)
		return c;
	return cmp_u32(x->rule, y->rule) ?: cmp_u32(x->j, y->j);
}

/* Same path, same kind (as written). */
static int cmp_written(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return cmp_items(x, x->len, y, y->len);
}

/* Same path, either kind. */
static int cmp_norm(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return cmp_items(x, x->norm_len, y, y->norm_len);
}

static struct stk_pos item_pos(const struct stk_policy *p, const struct item *it)
{
	return p->files.rules[it->rule].path_pos[it->j];
}

/*
 * Rules naming the same path with the same kind: an overlapping access kind
 * with another action is an error (which one would win is not what its
 * author meant), with the same action a warning. first[k][rank] remembers
 * the earliest item of the group for each access kind and action.
 */
static void check_group(struct stk_pctx *c, const struct item *g, size_t n)
{
	const struct stk_policy *p = c->pol;
	long first[STK_FACC_COUNT][N_RANKS];
	size_t i;
	int k, rk;

	memset(first, 0xff, sizeof(first));
	for (i = 0; i < n; i++) {
		const struct item *it = &g[i];
		long conflict = -1, same = -1;
		char q[STK_QUOTE_SIZE], b1[32], b2[32], acc[64];

		stk_quote(q, it->path, it->len);
		if (i > 0 && g[i - 1].rule == it->rule) {
			stk_pwarn(c, item_pos(p, it), "path '%s' is listed twice in rule '%s'", q,
				  rule_name(p, it->rule, b1));
			continue;
		}
		for (k = 0; k < STK_FACC_COUNT; k++) {
			if (!(it->access & STK_FACC_BIT(k)))
				continue;
			for (rk = 0; rk < N_RANKS; rk++) {
				long f = first[k][rk];

				if (f < 0)
					continue;
				if (rk != (int)stk_action_rank(it->byte)) {
					if (conflict < 0 || f < conflict)
						conflict = f;
				} else if (same < 0 || f < same) {
					same = f;
				}
			}
		}
		if (conflict >= 0) {
			const struct item *o = &g[conflict];
			struct stk_pos op = item_pos(p, o);

			stk_perror(c, item_pos(p, it),
				   "rule '%s' conflicts with rule '%s' at %d:%d: %s on '%s' is '%s' there and '%s' here",
				   rule_name(p, it->rule, b1), rule_name(p, o->rule, b2), op.line,
				   op.col, access_list(o->access & it->access, acc), q,
				   byte_name(o->byte), byte_name(it->byte));
		} else if (same >= 0) {
			const struct item *o = &g[same];
			struct stk_pos op = item_pos(p, o);

			stk_pwarn(c, item_pos(p, it),
				  "rule '%s' is redundant: rule '%s' at %d:%d already says '%s' for %s on '%s'",
				  rule_name(p, it->rule, b1), rule_name(p, o->rule, b2), op.line,
				  op.col, byte_name(it->byte),
				  access_list(o->access & it->access, acc), q);
		}
		rk = (int)stk_action_rank(it->byte);
		for (k = 0; k < STK_FACC_COUNT; k++)
			if ((it->access & STK_FACC_BIT(k)) && first[k][rk] < 0)
				first[k][rk] = (long)i;
	}
}

static void check_overlaps(struct stk_pctx *c, struct item *items, size_t n)
{
	size_t i, start = 0;

	qsort(items, n, sizeof(*items), cmp_written);
	for (i = 1; i <= n; i++) {
		if (i < n && stk_path_cmp(items[i].path, items[i].len, items[start].path,
					  items[start].len) == 0)
			continue;
		check_group(c, items + start, i - start);
		start = i;
	}
}

/* What a policy's own rules say at one path, per access kind. */
struct slot {
	uint8_t byte;
	long item; /* the deciding item, or -1 for the policy's default */
};

struct entry {
	uint32_t count[STK_FACC_COUNT]; /* rules of either kind at this very path */
	long tree[STK_FACC_COUNT];	/* best subtree item here, or -1 */
	struct slot inherited[STK_FACC_COUNT]; /* from the ancestors alone */
};

static bool better(uint8_t a, uint8_t b)
{
	return stk_action_rank(a) > stk_action_rank(b);
}

/*
 * A rule changes nothing on a path when, for every access kind it names, it
 * is the only rule of the policy at that path and says what the path gets
 * from its ancestors (or the default) anyway: everywhere the rule decides,
 * removing it leaves that same verdict. Paths with several rules are left
 * alone here; that is the job of check_group() and of the tie order.
 */
static void warn_no_effect(struct stk_pctx *c, const struct item *items, const struct entry *e,
			   size_t i)
{
	const struct stk_policy *p = c->pol;
	const struct item *it = &items[i];
	long src = -2;
	char q[STK_QUOTE_SIZE], b1[32], b2[32], from[STK_ID_MAX + 64];
	int k;

	for (k = 0; k < STK_FACC_COUNT; k++) {
		if (!(it->access & STK_FACC_BIT(k)))
			continue;
		if (e->count[k] != 1 || e->inherited[k].byte != it->byte)
			return;
		if (src == -2)
			src = e->inherited[k].item;
		else if (src != e->inherited[k].item)
			src = -3;
	}
	if (src == -1) {
		snprintf(from, sizeof(from), "the policy's default");
	} else if (src >= 0) {
		struct stk_pos sp = item_pos(p, &items[src]);

		snprintf(from, sizeof(from), "rule '%s' at %d:%d",
			 rule_name(p, items[src].rule, b2), sp.line, sp.col);
	} else {
		snprintf(from, sizeof(from), "the rules above it");
	}
	stk_pwarn(c, item_pos(p, it),
		  "rule '%s' changes nothing on '%s': it gets '%s' from %s anyway",
		  rule_name(p, it->rule, b1), stk_quote(q, it->path, it->len), byte_name(it->byte),
		  from);
}

static void check_effect(struct stk_pctx *c, struct item *items, size_t n)
{
	const struct stk_policy *p = c->pol;
	struct stk_path_key *keys = NULL;
	struct entry *ent = NULL;
	long *parent = NULL;
	size_t *item_entry = NULL;
	size_t n_keys = 0, i;
	uint8_t def = stk_action_byte(p->files.def, p->mode);
	int k;

	qsort(items, n, sizeof(*items), cmp_norm);
	keys = malloc(n * sizeof(*keys));
	item_entry = malloc(n * sizeof(*item_entry));
	if (!keys || !item_entry)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (n_keys == 0 || stk_path_cmp(keys[n_keys - 1].s, keys[n_keys - 1].len,
						items[i].path, items[i].norm_len) != 0)
			keys[n_keys++] = (struct stk_path_key){ items[i].path, items[i].norm_len };
		item_entry[i] = n_keys - 1;
	}
	parent = malloc(n_keys * sizeof(*parent));
	ent = calloc(n_keys, sizeof(*ent));
	if (!parent || !ent)
		goto nomem;
	stk_path_parents(keys, n_keys, parent);

	for (i = 0; i < n_keys; i++)
		for (k = 0; k < STK_FACC_COUNT; k++)
			ent[i].tree[k] = -1;
	for (i = 0; i < n; i++) {
		struct entry *e = &ent[item_entry[i]];

		for (k = 0; k < STK_FACC_COUNT; k++) {
			if (!(items[i].access & STK_FACC_BIT(k)))
				continue;
			e->count[k]++;
			if (stk_path_is_tree(items[i].path, items[i].len) &&
			    (e->tree[k] < 0 || better(items[i].byte, items[e->tree[k]].byte)))
				e->tree[k] = (long)i;
		}
	}
	/* Parents come first, so their inherited verdicts are ready. */
	for (i = 0; i < n_keys; i++) {
		for (k = 0; k < STK_FACC_COUNT; k++) {
			struct slot s = { def, -1 };
			long pa = parent[i];

			if (pa >= 0 && ent[pa].tree[k] >= 0)
				s = (struct slot){ items[ent[pa].tree[k]].byte, ent[pa].tree[k] };
			else if (pa >= 0)
				s = ent[pa].inherited[k];
			ent[i].inherited[k] = s;
		}
	}
	for (i = 0; i < n; i++)
		warn_no_effect(c, items, &ent[item_entry[i]], i);
	goto cleanup;

nomem:
	stk_nomem(c);
cleanup:
	free(keys);
	free(item_entry);
	free(parent);
	free(ent);
}

void stk_check_files(struct stk_pctx *c)
{
	const struct stk_policy *p = c->pol;
	struct item *items;
	size_t n = 0, i, j;

	if (p->files.n_rules == 0)
		return;
	check_ids(c);

	for (i = 0; i < p->files.n_rules; i++)
		n += p->files.rules[i].n_paths;
	items = malloc((n ? n : 1) * sizeof(*items));
	if (!items) {
		stk_nomem(c);
		return;
	}
	n = 0;
	for (i = 0; i < p->files.n_rules; i++) {
		const struct stk_file_rule *r = &p->files.rules[i];

		/* A rule with errors of its own would only add noise. */
		if (r->action == STK_ACT_NONE || r->access == 0)
			continue;
		for (j = 0; j < r->n_paths; j++) {
			size_t len = strlen(r->paths[j]);

			items[n++] = (struct item){
				.path = r->paths[j],
				.len = len,
				.norm_len = stk_path_norm_len(r->paths[j], len),
				.rule = (uint32_t)i,
				.j = (uint32_t)j,
				.access = r->access,
				.byte = stk_action_byte(r->action, stk_rule_mode(r, p)),
			};
		}
	}
	if (n) {
		check_overlaps(c, items, n);
		check_effect(c, items, n);
	}
	free(items);
}
