/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * compile_net.c - the network sections of all policies into LPM tries and
 * port classes.
 *
 * WHAT ONE POLICY SAYS
 *
 * For a socket of protocol P in direction D (connect and sendmsg use the
 * connect rules) to address A and port N, the rules of D that match are
 * those with a CIDR containing A (no cidrs: any address), a port range
 * containing N (no ports: any port) and P among their protocols (none
 * named: both). Of those, the most specific decides:
 *   1. the longest matching prefix (a rule without cidrs counts as /0);
 *   2. then the narrowest matching port range (a rule without ports counts
 *      as 1-65535, plus port 0);
 *   3. then the most severe action (deny > audit > allow), then the earlier
 *      rule.
 * No rule matches: the direction's default. Policies combine as for files:
 * every policy must allow, the most severe verdict wins (stk_action_rank()).
 *
 * THE TABLES
 *
 * Per family, the prefixes that any rule of any policy names, plus /0, form
 * a tree (a prefix's parent is the longest other prefix containing it).
 * Whatever address the kernel looks up, the LPM trie returns the longest
 * prefix containing it, and every rule prefix that contains the address is
 * that prefix or one of its ancestors. So each prefix gets the complete
 * answer for all ports and both protocols, computed from its own rules laid
 * over its parent's answer (per policy, then combined over the policies):
 * a "class", a list of port segments per protocol. Equal classes are stored
 * once, so 100,000 CIDRs of one rule share one class.
 *
 * The kernel: one LPM lookup (the class), one array lookup (where its
 * segments are), a binary search of at most STK_NET_SEARCH_STEPS array
 * lookups. Nothing depends on the number of rules or CIDRs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net_class.h"
#include "network.h"
#include "verdict.h"

/* A prefix on the walk's stack with each policy's function there. */
struct level {
	const struct stk_net_item *first; /* the prefix is first->addr / first->plen */
	struct stk_net_fn *fns;		   /* per policy */
};

void stk_net_compiled_drop(struct stk_net_compiled *n)
{
	if (!n)
		return;
	free(n->v4);
	free(n->v6);
	free(n->classes);
	free(n->segs);
	n->v4 = NULL;
	n->v6 = NULL;
	n->classes = NULL;
	n->segs = NULL;
	n->n_v4 = n->n_v6 = n->n_classes = n->n_segs = 0;
}

void stk_net_compiled_free(struct stk_net_compiled *n)
{
	stk_net_compiled_drop(n);
	free(n);
}

static int cmp_bytes(const uint8_t *a, const uint8_t *b, int bytes)
{
	return memcmp(a, b, (size_t)bytes);
}

static int cmp_nitem(const void *a, const void *b)
{
	const struct stk_net_item *x = a, *y = b;
	int c = cmp_bytes(x->addr, y->addr, x->bytes);

	if (c)
		return c;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return x->pol != y->pol ? (x->pol < y->pol ? -1 : 1) : (x->rule > y->rule) - (x->rule < y->rule);
}

/* Stores the LPM entry of prefix @it for direction @dir with class @cls. */
static int emit(struct stk_net_compiled *o, int family, int dir, const struct stk_net_item *it,
		uint32_t cls, size_t *cap)
{
	if (family == 4) {
		struct stk_net_entry4 *e;

		if (stk_net_grow((void **)&o->v4, cap, o->n_v4 + 1, sizeof(*o->v4)))
			return -ENOMEM;
		e = &o->v4[o->n_v4++];
		memset(e, 0, sizeof(*e));
		e->key.prefixlen = STK_NET_KEY_BITS + it->plen;
		e->key.dir = (uint8_t)dir;
		memcpy(e->key.addr, it->addr, 4);
		e->class_id = cls;
	} else {
		struct stk_net_entry6 *e;

		if (stk_net_grow((void **)&o->v6, cap, o->n_v6 + 1, sizeof(*o->v6)))
			return -ENOMEM;
		e = &o->v6[o->n_v6++];
		memset(e, 0, sizeof(*e));
		e->key.prefixlen = STK_NET_KEY_BITS + it->plen;
		e->key.dir = (uint8_t)dir;
		memcpy(e->key.addr, it->addr, 16);
		e->class_id = cls;
	}
	return 0;
}

struct dir_in {
	int dir;
	int family;
	struct stk_net_item *items; /* sorted; items[0] is the /0 sentinel */
	size_t n_items;
	size_t n_pols;
	const struct stk_net_item *const **own_scratch;
	struct stk_net_fn *defaults; /* per policy: its default, as a function */
};

/* Walks the prefixes of one (direction, family) in tree order. */
static int walk(struct dir_in *in, struct stk_net_interner *t, size_t *cap_entries)
{
	struct level stack[130];
	const struct stk_net_item **own = malloc((in->n_items ? in->n_items : 1) * sizeof(*own));
	struct stk_net_fn comb = { 0 };
	size_t depth = 0, i = 0, q, j;
	int err = -ENOMEM, p;

	if (!own)
		return -ENOMEM;
	while (i < in->n_items) {
		const struct stk_net_item *first = &in->items[i];
		struct stk_net_fn *fns;
		uint32_t cls;
		size_t end = i;

		while (end < in->n_items && in->items[end].plen == first->plen &&
		       !cmp_bytes(in->items[end].addr, first->addr, in->family == 4 ? 4 : 16))
			end++;
		while (depth && !stk_net_contains(stack[depth - 1].first->addr, stack[depth - 1].first->plen,
					  first->addr)) {
			depth--;
			for (q = 0; q < in->n_pols; q++)
				stk_net_fn_free(&stack[depth].fns[q]);
			free(stack[depth].fns);
		}
		fns = calloc(in->n_pols ? in->n_pols : 1, sizeof(*fns));
		if (!fns || depth >= 130) {
			free(fns);
			err = fns ? -EINVAL : -ENOMEM;
			goto cleanup;
		}
		stack[depth++] = (struct level){ first, fns };
		for (q = 0; q < in->n_pols; q++) {
			const struct stk_net_fn *parent = depth > 1 ? &stack[depth - 2].fns[q] : &in->defaults[q];
			size_t n_own = 0;

			for (j = i; j < end; j++)
				if (in->items[j].pol == q && in->items[j].byte != STK_ACT_NONE)
					own[n_own++] = &in->items[j];
			for (p = 0; p < STK_NPROTO_COUNT; p++)
				if ((err = stk_net_overlay(own, n_own, parent, p, &fns[q])))
					goto cleanup;
		}
		for (p = 0; p < STK_NPROTO_COUNT; p++)
			if ((err = stk_net_combine(fns, in->n_pols, p, &comb.s[p], &comb.n[p])))
				goto cleanup;
		err = stk_net_intern(t, comb.s, comb.n, &cls);
		stk_net_fn_free(&comb);
		if (err || (err = emit(t->out, in->family, in->dir, first, cls, cap_entries)))
			goto cleanup;
		i = end;
	}
	err = 0;
cleanup:
	stk_net_fn_free(&comb);
	while (depth) {
		depth--;
		for (q = 0; q < in->n_pols; q++)
			stk_net_fn_free(&stack[depth].fns[q]);
		free(stack[depth].fns);
	}
	free(own);
	return err;
}

static enum stk_mode net_rule_mode(const struct stk_net_rule *r, const struct stk_policy *p)
{
	if (r->mode != STK_MODE_INHERIT)
		return r->mode;
	return p->mode == STK_MODE_COMPLAIN ? STK_MODE_COMPLAIN : STK_MODE_ENFORCE;
}

/* Collects the items of one (direction, family); @rule_base[q]: policy q's default. */
static int collect(struct stk_policy *const *net_pols, size_t n_pols, const uint32_t *rule_base,
		   int dir, int family, struct stk_net_item **ret, size_t *ret_n)
{
	size_t n = 1, q, i, c, k, o = 0;
	struct stk_net_item *v;

	for (q = 0; q < n_pols; q++) {
		for (i = 0; i < net_pols[q]->network.dir[dir].n_rules; i++) {
			const struct stk_net_rule *r = &net_pols[q]->network.dir[dir].rules[i];
			size_t nc = r->n_cidrs ? r->n_cidrs : 1, np = r->n_ports ? r->n_ports : 1;

			n += nc * np;
		}
	}
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* The /0 sentinel: every address finds an entry, whose parent is the defaults. */
	v[o++] = (struct stk_net_item){ .byte = STK_ACT_NONE, .pol = 0 };
	for (q = 0; q < n_pols; q++) {
		const struct stk_policy *p = net_pols[q];
		uint32_t rule = rule_base[q] + 1;
		int d;

		for (d = 0; d < dir; d++)
			rule += (uint32_t)p->network.dir[d].n_rules;
		for (i = 0; i < p->network.dir[dir].n_rules; i++, rule++) {
			const struct stk_net_rule *r = &p->network.dir[dir].rules[i];
			uint8_t byte = stk_action_byte(r->action, net_rule_mode(r, p));

			for (c = 0; c < (r->n_cidrs ? r->n_cidrs : 1); c++) {
				const struct stk_net_cidr *cd = r->n_cidrs ? &r->cidrs[c] : NULL;

				if (cd && cd->family != family)
					continue;
				for (k = 0; k < (r->n_ports ? r->n_ports : 1); k++) {
					struct stk_net_item *it = &v[o++];

					memset(it, 0, sizeof(*it));
					if (cd) {
						memcpy(it->addr, cd->addr, 16);
						it->plen = cd->plen;
					}
					it->protos = (uint8_t)r->protocols;
					it->byte = byte;
					it->lo = r->n_ports ? r->ports[k].lo : 0;
					it->hi = r->n_ports ? r->ports[k].hi : STK_NET_NPORTS - 1;
					it->pol = (uint32_t)q;
					it->rule = rule;
				}
			}
		}
	}
	/* The sentinel sorts first: address 0, prefix 0, policy 0, rule 0 (below any rule). */
	for (i = 0; i < o; i++)
		v[i].bytes = family == 4 ? 4 : 16;
	qsort(v, o, sizeof(*v), cmp_nitem);
	*ret = v;
	*ret_n = o;
	return 0;
}

int stk_compile_net(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled *c,
		    struct stk_diags *diags)
{
	struct stk_policy **net_pols = calloc(n_pols ? n_pols : 1, sizeof(*net_pols));
	uint32_t *rule_base = calloc(n_pols ? n_pols : 1, sizeof(*rule_base));
	struct stk_rule_ref *add = NULL;
	struct stk_net_fn *defaults = NULL;
	struct stk_net_interner t = { 0 };
	size_t n_net = 0, n_add = 0, q, i, cap4 = 0, cap6 = 0;
	int err = -ENOMEM, d, f;

	(void)diags;
	c->net = calloc(1, sizeof(*c->net));
	if (!net_pols || !rule_base || !c->net)
		goto cleanup;
	t.out = c->net;
	for (q = 0; q < n_pols; q++) {
		if (!pols[q]->network.present)
			continue;
		net_pols[n_net++] = pols[q];
		n_add += 1;
		for (d = 0; d < STK_NET_NDIRS; d++)
			n_add += pols[q]->network.dir[d].n_rules;
	}
	if (!n_net) {
		err = 0;
		goto cleanup;
	}
	c->net->present = true;
	add = calloc(n_add, sizeof(*add));
	defaults = calloc(n_net * STK_NET_NDIRS, sizeof(*defaults));
	if (!add || !defaults)
		goto cleanup;
	n_add = 0;
	for (q = 0; q < n_net; q++) {
		const struct stk_policy *p = net_pols[q];

		rule_base[q] = (uint32_t)(c->n_rules + n_add);
		add[n_add++] = (struct stk_rule_ref){ p->name, STK_DEFAULT_RULE_ID, p->alert };
		for (d = 0; d < STK_NET_NDIRS; d++) {
			struct stk_net_fn *df = &defaults[d * n_net + q];
			int pr;

			for (i = 0; i < p->network.dir[d].n_rules; i++) {
				const struct stk_net_rule *r = &p->network.dir[d].rules[i];

				if (!r->id || r->action < STK_ACT_ALLOW || r->action > STK_ACT_DENY) {
					err = stk_diags_add(diags, p->file, r->pos.line, r->pos.col,
							    STK_SEV_ERROR,
							    "rule has no valid id or action") ?: -EINVAL;
					goto cleanup;
				}
				add[n_add++] = (struct stk_rule_ref){ p->name, r->id,
								      p->alert || r->alert };
			}
			for (pr = 0; pr < STK_NPROTO_COUNT; pr++) {
				df->s[pr] = calloc(1, sizeof(*df->s[pr]));
				if (!df->s[pr])
					goto cleanup;
				df->s[pr][0] = (struct stk_net_seg){
					.rule = rule_base[q],
					.action = stk_action_byte(p->network.dir[d].def, p->mode),
				};
				df->n[pr] = 1;
			}
		}
	}
	if (c->n_rules + n_add >= STK_RULE_NONE) {
		err = -EINVAL;
		goto cleanup;
	}
	for (d = 0; d < STK_NET_NDIRS; d++) {
		for (f = 4; f <= 6; f += 2) {
			struct dir_in in = { .dir = d, .family = f, .n_pols = n_net,
					     .defaults = &defaults[d * n_net] };

			err = collect(net_pols, n_net, rule_base, d, f, &in.items, &in.n_items);
			if (!err)
				err = walk(&in, &t, f == 4 ? &cap4 : &cap6);
			free(in.items);
			if (err)
				goto cleanup;
		}
	}
	err = stk_compiled_append_rules(c, add, n_add);
cleanup:
	if (defaults)
		for (i = 0; i < n_net * STK_NET_NDIRS; i++)
			stk_net_fn_free(&defaults[i]);
	free(defaults);
	free(add);
	free(t.slot);
	free(net_pols);
	free(rule_base);
	return err;
}
