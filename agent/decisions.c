// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * decisions.c - reading stk_decisions (see decisions.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "decisions.h"
#include "generation.h"

static int key_cmp(const void *a, const void *b)
{
	const struct stk_decision_key *x = a, *y = b;

	if (x->cgroup_id != y->cgroup_id)
		return x->cgroup_id < y->cgroup_id ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->hook != y->hook)
		return x->hook < y->hook ? -1 : 1;
	return (int)x->action - (int)y->action;
}

void stk_decisions_sort(struct stk_decision_table *t)
{
	/* key is the first member: rows compare by key. */
	qsort(t->rows, t->n, sizeof(*t->rows), key_cmp);
}

void stk_decisions_carry(const struct stk_decision_table *t, struct stk_decision_table *next)
{
	size_t i = 0, k = 0;
	int c;

	while (i < t->n && k < next->n) {
		c = key_cmp(&t->rows[i].key, &next->rows[k].key);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			k++;
		} else {
			next->rows[k].suppressed_reported = t->rows[i].suppressed_reported;
			/* A key deleted and made again starts from zero. */
			if (next->rows[k].suppressed_reported > next->rows[k].suppressed)
				next->rows[k].suppressed_reported = 0;
			i++;
			k++;
		}
	}
}

int stk_decisions_read(int fd, struct stk_decision_table *t)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = 0;
	struct stk_decision_table next = {};
	struct stk_decision_key key, prev;
	struct stk_decision_count *vals = NULL;
	struct stk_decision_row *r;
	void *prevp = NULL;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	next.rows = calloc(STK_DECISIONS_MAX, sizeof(*next.rows));
	if (!vals || !next.rows) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (next.n < STK_DECISIONS_MAX && bpf_map_get_next_key(fd, prevp, &key) == 0) {
		prev = key;
		prevp = &prev;
		/* Deleted in between: skip it. */
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		r = &next.rows[next.n++];
		r->key = key;
		for (i = 0; i < ncpu; i++) {
			r->decisions += vals[i].decisions;
			r->suppressed += vals[i].suppressed;
		}
	}
	stk_decisions_sort(&next);
	stk_decisions_carry(t, &next);
	free(t->rows);
	*t = next;
	next.rows = NULL;
cleanup:
	free(next.rows);
	free(vals);
	return err;
}

/* Whether the decision key @key's rule carries generation tag *@arg. */
static bool of_gen_tag(const void *key, void *arg)
{
	const struct stk_decision_key *k = key;

	return k->rule != STK_RULE_NONE && k->rule >> STK_GEN_RULE_SHIFT == *(const uint32_t *)arg;
}

int stk_decisions_forget_gen(int fd, uint32_t gen)
{
	size_t deleted = 0;
	int err = stk_map_delete_picked(fd, sizeof(struct stk_decision_key), of_gen_tag, &gen,
					&deleted);

	return err ? err : (int)deleted;
}

void stk_decisions_free(struct stk_decision_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}
