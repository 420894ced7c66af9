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

#include "network.h"
#include "verdict.h"

#define NPORTS 65536u

/* One (CIDR, port range) of one rule, in one family. */
struct nitem {
	uint8_t addr[16];
	uint8_t plen;
	uint8_t bytes; /* of the address: 4 or 16 */
	uint8_t protos;
	uint8_t byte;
	uint16_t lo, hi;
	uint32_t pol; /* index among the policies with a network section */
	uint32_t rule;
};

/* A verdict function of (protocol, port): segments sorted by lo, the first at 0. */
struct fn {
	struct stk_net_seg *s[STK_NPROTO_COUNT];
	size_t n[STK_NPROTO_COUNT];
};

/* A prefix on the walk's stack with each policy's function there. */
struct level {
	const struct nitem *first; /* the prefix is first->addr / first->plen */
	struct fn *fns;		   /* per policy */
};

struct intern {
	uint32_t *slot; /* class id + 1, 0 empty */
	size_t cap;
	struct stk_net_compiled *out;
	size_t cap_classes, cap_segs;
};

static unsigned int rank(uint8_t b)
{
	return stk_action_rank(b);
}

void stk_net_compiled_free(struct stk_net_compiled *n)
{
	if (!n)
		return;
	free(n->v4);
	free(n->v6);
	free(n->classes);
	free(n->segs);
	free(n);
}

static void fn_free(struct fn *f)
{
	int p;

	for (p = 0; p < STK_NPROTO_COUNT; p++)
		free(f->s[p]);
	memset(f, 0, sizeof(*f));
}

static int cmp_bytes(const uint8_t *a, const uint8_t *b, int bytes)
{
	return memcmp(a, b, (size_t)bytes);
}

static int cmp_nitem(const void *a, const void *b)
{
	const struct nitem *x = a, *y = b;
	int c = cmp_bytes(x->addr, y->addr, x->bytes);

	if (c)
		return c;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return x->pol != y->pol ? (x->pol < y->pol ? -1 : 1) : (x->rule > y->rule) - (x->rule < y->rule);
}

static bool contains(const uint8_t *pfx, int plen, const uint8_t *addr)
{
	int full = plen / 8, rest = plen % 8;

	if (memcmp(pfx, addr, (size_t)full))
		return false;
	return !rest || ((pfx[full] ^ addr[full]) & (0xff << (8 - rest))) == 0;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* Sorts and dedups @v (n values); returns the new count. */
static size_t uniq_u16(uint16_t *v, size_t n)
{
	size_t i, o = 0;

	qsort(v, n, sizeof(*v), cmp_u16);
	for (i = 0; i < n; i++)
		if (o == 0 || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

/* Value of @segs (sorted, first at 0) at @port, moving the cursor *@k forward. */
static const struct stk_net_seg *seg_at(const struct stk_net_seg *segs, size_t n, size_t *k,
					uint16_t port)
{
	while (*k + 1 < n && segs[*k + 1].lo <= port)
		(*k)++;
	return &segs[*k];
}

/* Appends (lo, byte, rule) unless it only continues the last segment. */
static void seg_push(struct stk_net_seg *out, size_t *n, uint16_t lo, uint8_t byte, uint32_t rule)
{
	if (*n && out[*n - 1].action == byte && out[*n - 1].rule == rule)
		return;
	out[(*n)++] = (struct stk_net_seg){ .rule = rule, .lo = lo, .action = byte };
}

/*
 * Own rules of one policy at one prefix (@own, n_own) laid over @parent, for
 * protocol @p: at each port the narrowest own range decides, then the most
 * severe, then the earlier rule; where no own item covers, the parent.
 */
static int overlay(const struct nitem *const *own, size_t n_own, const struct fn *parent, int p,
		   struct fn *ret)
{
	size_t nb = parent->n[p] + 2 * n_own, i, j, k = 0, n = 0;
	uint16_t *b = malloc(nb * sizeof(*b));
	struct stk_net_seg *out;

	if (!b)
		return -ENOMEM;
	nb = 0;
	for (i = 0; i < parent->n[p]; i++)
		b[nb++] = parent->s[p][i].lo;
	for (i = 0; i < n_own; i++) {
		if (!(own[i]->protos & (1u << p)))
			continue;
		b[nb++] = own[i]->lo;
		if (own[i]->hi < NPORTS - 1)
			b[nb++] = (uint16_t)(own[i]->hi + 1);
	}
	nb = uniq_u16(b, nb);
	out = malloc(nb * sizeof(*out));
	if (!out) {
		free(b);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++) {
		const struct nitem *best = NULL;
		const struct stk_net_seg *ps = seg_at(parent->s[p], parent->n[p], &k, b[i]);

		for (j = 0; j < n_own; j++) {
			const struct nitem *it = own[j];
			unsigned int w, bw;

			if (!(it->protos & (1u << p)) || it->lo > b[i] || it->hi < b[i])
				continue;
			if (!best) {
				best = it;
				continue;
			}
			w = it->hi - it->lo;
			bw = best->hi - best->lo;
			if (w < bw || (w == bw && (rank(it->byte) > rank(best->byte) ||
						   (rank(it->byte) == rank(best->byte) &&
						    it->rule < best->rule))))
				best = it;
		}
		if (best)
			seg_push(out, &n, b[i], best->byte, best->rule);
		else
			seg_push(out, &n, b[i], ps->action, ps->rule);
	}
	free(b);
	ret->s[p] = out;
	ret->n[p] = n;
	return 0;
}

/* The most severe of all policies' functions (as severe: the lower rule index). */
static int combine(const struct fn *fns, size_t n_fns, int p, struct stk_net_seg **ret,
		   size_t *ret_n)
{
	size_t nb = 0, i, j, n = 0;
	uint16_t *b;
	size_t *k = calloc(n_fns, sizeof(*k));
	struct stk_net_seg *out;

	for (j = 0; j < n_fns; j++)
		nb += fns[j].n[p];
	b = malloc(nb * sizeof(*b));
	out = malloc(nb * sizeof(*out));
	if (!b || !out || !k) {
		free(b);
		free(out);
		free(k);
		return -ENOMEM;
	}
	nb = 0;
	for (j = 0; j < n_fns; j++)
		for (i = 0; i < fns[j].n[p]; i++)
			b[nb++] = fns[j].s[p][i].lo;
	nb = uniq_u16(b, nb);
	for (i = 0; i < nb; i++) {
		const struct stk_net_seg *best = NULL;

		for (j = 0; j < n_fns; j++) {
			const struct stk_net_seg *s = seg_at(fns[j].s[p], fns[j].n[p], &k[j], b[i]);

			if (!best || rank(s->action) > rank(best->action) ||
			    (rank(s->action) == rank(best->action) && s->rule < best->rule))
				best = s;
		}
		seg_push(out, &n, b[i], best->action, best->rule);
	}
	free(b);
	free(k);
	*ret = out;
	*ret_n = n;
	return 0;
}

static uint64_t hash_fn(struct stk_net_seg *const *s, const size_t *n)
{
	uint64_t h = 1469598103934665603ull;
	int p;
	size_t i;

	for (p = 0; p < STK_NPROTO_COUNT; p++) {
		h = (h ^ n[p]) * 1099511628211ull;
		for (i = 0; i < n[p]; i++) {
			h = (h ^ s[p][i].lo) * 1099511628211ull;
			h = (h ^ s[p][i].action) * 1099511628211ull;
			h = (h ^ s[p][i].rule) * 1099511628211ull;
		}
	}
	return h;
}

static bool same_class(const struct stk_net_compiled *o, uint32_t cls, struct stk_net_seg *const *s,
		       const size_t *n)
{
	int p;

	for (p = 0; p < STK_NPROTO_COUNT; p++) {
		const struct stk_net_class *c = &o->classes[cls * STK_NPROTO_COUNT + p];

		if (c->count != n[p] || memcmp(&o->segs[c->first], s[p], n[p] * sizeof(**s)))
			return false;
	}
	return true;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *nv;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	nv = realloc(*v, c * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = c;
	return 0;
}

static int intern_rehash(struct intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i;
	uint32_t *slot = calloc(cap, sizeof(*slot));
	struct stk_net_compiled *o = t->out;

	if (!slot)
		return -ENOMEM;
	for (i = 0; i < o->n_classes / STK_NPROTO_COUNT; i++) {
		struct stk_net_seg *s[STK_NPROTO_COUNT];
		size_t n[STK_NPROTO_COUNT], h;
		int p;

		for (p = 0; p < STK_NPROTO_COUNT; p++) {
			s[p] = &o->segs[o->classes[i * STK_NPROTO_COUNT + p].first];
			n[p] = o->classes[i * STK_NPROTO_COUNT + p].count;
		}
		for (h = hash_fn(s, n) & (cap - 1); slot[h]; h = (h + 1) & (cap - 1))
			;
		slot[h] = (uint32_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* The class id of the function (@s, @n), adding it if new. */
static int intern(struct intern *t, struct stk_net_seg *const *s, const size_t *n, uint32_t *ret)
{
	struct stk_net_compiled *o = t->out;
	size_t n_cls = o->n_classes / STK_NPROTO_COUNT, h;
	int p, err;

	if ((n_cls + 1) * 2 > t->cap && (err = intern_rehash(t)))
		return err;
	for (h = hash_fn(s, n) & (t->cap - 1); t->slot[h]; h = (h + 1) & (t->cap - 1)) {
		if (same_class(o, t->slot[h] - 1, s, n)) {
			*ret = t->slot[h] - 1;
			return 0;
		}
	}
	if (grow((void **)&o->classes, &t->cap_classes, o->n_classes + STK_NPROTO_COUNT,
		 sizeof(*o->classes)) ||
	    grow((void **)&o->segs, &t->cap_segs, o->n_segs + n[0] + n[1], sizeof(*o->segs)))
		return -ENOMEM;
	for (p = 0; p < STK_NPROTO_COUNT; p++) {
		o->classes[o->n_classes++] = (struct stk_net_class){ (uint32_t)o->n_segs,
								     (uint32_t)n[p] };
		memcpy(&o->segs[o->n_segs], s[p], n[p] * sizeof(**s));
		o->n_segs += n[p];
	}
	t->slot[h] = (uint32_t)n_cls + 1;
	*ret = (uint32_t)n_cls;
	return 0;
}

/* Stores the LPM entry of prefix @it for direction @dir with class @cls. */
static int emit(struct stk_net_compiled *o, int family, int dir, const struct nitem *it,
		uint32_t cls, size_t *cap)
{
	if (family == 4) {
		struct stk_net_entry4 *e;

		if (grow((void **)&o->v4, cap, o->n_v4 + 1, sizeof(*o->v4)))
			return -ENOMEM;
		e = &o->v4[o->n_v4++];
		memset(e, 0, sizeof(*e));
		e->key.prefixlen = 8 + it->plen;
		e->key.dir = (uint8_t)dir;
		memcpy(e->key.addr, it->addr, 4);
		e->class_id = cls;
	} else {
		struct stk_net_entry6 *e;

		if (grow((void **)&o->v6, cap, o->n_v6 + 1, sizeof(*o->v6)))
			return -ENOMEM;
		e = &o->v6[o->n_v6++];
		memset(e, 0, sizeof(*e));
		e->key.prefixlen = 8 + it->plen;
		e->key.dir = (uint8_t)dir;
		memcpy(e->key.addr, it->addr, 16);
		e->class_id = cls;
	}
	return 0;
}

struct dir_in {
	int dir;
	int family;
	struct nitem *items; /* sorted; items[0] is the /0 sentinel */
	size_t n_items;
	size_t n_pols;
	const struct nitem *const **own_scratch;
	struct fn *defaults; /* per policy: its default, as a function */
};

/* Walks the prefixes of one (direction, family) in tree order. */
static int walk(struct dir_in *in, struct intern *t, size_t *cap_entries)
{
	struct level stack[130];
	const struct nitem **own = malloc((in->n_items ? in->n_items : 1) * sizeof(*own));
	struct fn comb = { 0 };
	size_t depth = 0, i = 0, q, j;
	int err = -ENOMEM, p;

	if (!own)
		return -ENOMEM;
	while (i < in->n_items) {
		const struct nitem *first = &in->items[i];
		struct fn *fns;
		uint32_t cls;
		size_t end = i;

		while (end < in->n_items && in->items[end].plen == first->plen &&
		       !cmp_bytes(in->items[end].addr, first->addr, in->family == 4 ? 4 : 16))
			end++;
		while (depth && !contains(stack[depth - 1].first->addr, stack[depth - 1].first->plen,
					  first->addr)) {
			depth--;
			for (q = 0; q < in->n_pols; q++)
				fn_free(&stack[depth].fns[q]);
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
			const struct fn *parent = depth > 1 ? &stack[depth - 2].fns[q] : &in->defaults[q];
			size_t n_own = 0;

			for (j = i; j < end; j++)
				if (in->items[j].pol == q && in->items[j].byte != STK_ACT_NONE)
					own[n_own++] = &in->items[j];
			for (p = 0; p < STK_NPROTO_COUNT; p++)
				if ((err = overlay(own, n_own, parent, p, &fns[q])))
					goto cleanup;
		}
		for (p = 0; p < STK_NPROTO_COUNT; p++)
			if ((err = combine(fns, in->n_pols, p, &comb.s[p], &comb.n[p])))
				goto cleanup;
		err = intern(t, comb.s, comb.n, &cls);
		fn_free(&comb);
		if (err || (err = emit(t->out, in->family, in->dir, first, cls, cap_entries)))
			goto cleanup;
		i = end;
	}
	err = 0;
cleanup:
	fn_free(&comb);
	while (depth) {
		depth--;
		for (q = 0; q < in->n_pols; q++)
			fn_free(&stack[depth].fns[q]);
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
		   int dir, int family, struct nitem **ret, size_t *ret_n)
{
	size_t n = 1, q, i, c, k, o = 0;
	struct nitem *v;

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
	v[o++] = (struct nitem){ .byte = STK_ACT_NONE, .pol = 0 };
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
					struct nitem *it = &v[o++];

					memset(it, 0, sizeof(*it));
					if (cd) {
						memcpy(it->addr, cd->addr, 16);
						it->plen = cd->plen;
					}
					it->protos = (uint8_t)r->protocols;
					it->byte = byte;
					it->lo = r->n_ports ? r->ports[k].lo : 0;
					it->hi = r->n_ports ? r->ports[k].hi : NPORTS - 1;
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

/* Rebuilds c->rules with @add appended; strings are copied into the new block. */
static int append_rules(struct stk_compiled *c, const struct stk_rule_ref *add, size_t n_add)
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
		v[o++].id = str;
		str = stpcpy(str, r->id) + 1;
	}
	free(c->rules);
	c->rules = v;
	c->n_rules = n;
	return 0;
}

int stk_compile_net(struct stk_policy *const *pols, size_t n_pols, struct stk_compiled *c,
		    struct stk_diags *diags)
{
	struct stk_policy **net_pols = calloc(n_pols ? n_pols : 1, sizeof(*net_pols));
	uint32_t *rule_base = calloc(n_pols ? n_pols : 1, sizeof(*rule_base));
	struct stk_rule_ref *add = NULL;
	struct fn *defaults = NULL;
	struct intern t = { 0 };
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
		add[n_add++] = (struct stk_rule_ref){ p->name, STK_DEFAULT_RULE_ID };
		for (d = 0; d < STK_NET_NDIRS; d++) {
			struct fn *df = &defaults[d * n_net + q];
			int pr;

			for (i = 0; i < p->network.dir[d].n_rules; i++) {
				const struct stk_net_rule *r = &p->network.dir[d].rules[i];

				if (!r->id || r->action < STK_ACT_ALLOW || r->action > STK_ACT_DENY) {
					err = stk_diags_add(diags, p->file, r->pos.line, r->pos.col,
							    STK_SEV_ERROR,
							    "rule has no valid id or action") ?: -EINVAL;
					goto cleanup;
				}
				add[n_add++] = (struct stk_rule_ref){ p->name, r->id };
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
	err = append_rules(c, add, n_add);
cleanup:
	if (defaults)
		for (i = 0; i < n_net * STK_NET_NDIRS; i++)
			fn_free(&defaults[i]);
	free(defaults);
	free(add);
	free(t.slot);
	free(net_pols);
	free(rule_base);
	return err;
}

/* Mirrors the kernel: longest prefix, then the class's segments by binary search. */
int stk_explain_net(const struct stk_compiled *c, enum stk_net_dir dir, int family,
		    const uint8_t *addr, uint16_t port, enum stk_net_proto proto,
		    struct stk_decision *ret)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct stk_net_compiled *n = c ? c->net : NULL;
	const struct stk_net_class *cls;
	long best = -1, best_len = -1;
	size_t i, lo, hi, step;

	if (!n || !addr || !ret || (family != 4 && family != 6) || proto >= STK_NPROTO_COUNT ||
	    (dir != STK_NET_CONNECT && dir != STK_NET_BIND))
		return -EINVAL;
	if (!n->present) {
		*ret = (struct stk_decision){ STK_ACT_ALLOW, STK_RULE_NONE };
		return 0;
	}
	if (family == 6 && !memcmp(addr, mapped, sizeof(mapped))) {
		addr += 12;
		family = 4;
	}
	if (family == 4) {
		for (i = 0; i < n->n_v4; i++) {
			const struct stk_net_key4 *k = &n->v4[i].key;

			if (k->dir == dir && (long)k->prefixlen > best_len &&
			    contains(k->addr, (int)k->prefixlen - 8, addr)) {
				best = (long)n->v4[i].class_id;
				best_len = k->prefixlen;
			}
		}
	} else {
		for (i = 0; i < n->n_v6; i++) {
			const struct stk_net_key6 *k = &n->v6[i].key;

			if (k->dir == dir && (long)k->prefixlen > best_len &&
			    contains(k->addr, (int)k->prefixlen - 8, addr)) {
				best = (long)n->v6[i].class_id;
				best_len = k->prefixlen;
			}
		}
	}
	if (best < 0)
		return -EINVAL;
	cls = &n->classes[(size_t)best * STK_NPROTO_COUNT + proto];
	lo = 0;
	hi = cls->count - 1;
	for (step = 0; step < STK_NET_SEARCH_STEPS && lo < hi; step++) {
		size_t mid = (lo + hi + 1) / 2;

		if (n->segs[cls->first + mid].lo <= port)
			lo = mid;
		else
			hi = mid - 1;
	}
	ret->action = n->segs[cls->first + lo].action;
	ret->rule = n->segs[cls->first + lo].rule;
	return 0;
}
