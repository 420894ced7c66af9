/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * net_class.c - port classes: segment lists laid over each other, combined
 * and interned (see net_class.h and compile_net.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net_class.h"

static unsigned int rank(uint8_t b)
{
	return stk_action_rank(b);
}

void stk_net_fn_free(struct stk_net_fn *f)
{
	int p;

	for (p = 0; p < STK_NPROTO_COUNT; p++)
		free(f->s[p]);
	memset(f, 0, sizeof(*f));
}

bool stk_net_contains(const uint8_t *pfx, int plen, const uint8_t *addr)
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
int stk_net_overlay(const struct stk_net_item *const *own, size_t n_own,
		    const struct stk_net_fn *parent, int p, struct stk_net_fn *ret)
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
		if (own[i]->hi < STK_NET_NPORTS - 1)
			b[nb++] = (uint16_t)(own[i]->hi + 1);
	}
	nb = uniq_u16(b, nb);
	out = malloc(nb * sizeof(*out));
	if (!out) {
		free(b);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++) {
		const struct stk_net_item *best = NULL;
		const struct stk_net_seg *ps = seg_at(parent->s[p], parent->n[p], &k, b[i]);

		for (j = 0; j < n_own; j++) {
			const struct stk_net_item *it = own[j];
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
int stk_net_combine(const struct stk_net_fn *fns, size_t n_fns, int p, struct stk_net_seg **ret,
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

int stk_net_grow(void **v, size_t *cap, size_t need, size_t size)
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

static int intern_rehash(struct stk_net_interner *t)
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
int stk_net_intern(struct stk_net_interner *t, struct stk_net_seg *const *s, const size_t *n,
		   uint32_t *ret)
{
	struct stk_net_compiled *o = t->out;
	size_t n_cls = o->n_classes / STK_NPROTO_COUNT, h, n_segs;
	int p, err;

	if ((n_cls + 1) * 2 > t->cap && (err = intern_rehash(t)))
		return err;
	for (h = hash_fn(s, n) & (t->cap - 1); t->slot[h]; h = (h + 1) & (t->cap - 1)) {
		if (same_class(o, t->slot[h] - 1, s, n)) {
			*ret = t->slot[h] - 1;
			return 0;
		}
	}
	for (p = 0, n_segs = 0; p < STK_NPROTO_COUNT; p++)
		n_segs += n[p];
	if (stk_net_grow((void **)&o->classes, &t->cap_classes, o->n_classes + STK_NPROTO_COUNT,
		 sizeof(*o->classes)) ||
	    stk_net_grow((void **)&o->segs, &t->cap_segs, o->n_segs + n_segs, sizeof(*o->segs)))
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
