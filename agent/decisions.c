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

/* The per-CPU counts of @from added into @to's row, created if need be; then @from deleted. */
static int fold_row(int fd, const struct stk_decision_key *from, const struct stk_decision_key *to,
		    struct stk_decision_count *a, struct stk_decision_count *b, int ncpu)
{
	int i;

	if (bpf_map_lookup_elem(fd, from, a))
		return -errno;
	if (bpf_map_lookup_elem(fd, to, b)) {
		if (errno != ENOENT)
			return -errno;
		memset(b, 0, ncpu * sizeof(*b));
	}
	for (i = 0; i < ncpu; i++) {
		b[i].decisions += a[i].decisions;
		b[i].suppressed += a[i].suppressed;
	}
	/* Map full: the row stays where it is, counted, until there is room. */
	if (bpf_map_update_elem(fd, to, b, BPF_ANY))
		return -errno;
	/*
	 * A decision between the lookup and here (a task still leaving the
	 * cgroup) makes the row again; it is retired at a later tick.
	 */
	if (bpf_map_delete_elem(fd, from) && errno != ENOENT)
		return -errno;
	return 0;
}

/* What a retired row's summaries already told: added to its suppressed_reported. */
struct credit {
	struct stk_decision_key key;
	uint64_t reported;
};

static void apply_credits(struct stk_decision_table *t, const struct credit *c, size_t n)
{
	struct stk_decision_row *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = bsearch(&c[i].key, t->rows, t->n, sizeof(*t->rows), key_cmp);
		if (!r)
			continue;
		r->suppressed_reported += c[i].reported;
		if (r->suppressed_reported > r->suppressed)
			r->suppressed_reported = r->suppressed;
	}
}

/* What one stk_decisions_retire() call builds: per-CPU buffers and credits. */
struct retire_work {
	struct stk_decision_count *a, *b;
	struct credit *credits;
	size_t n;
};

/*
 * Adds the row @r of a removed cgroup into its retired row, unless it must
 * stay (for now). Return: 0, or -ENOMEM.
 */
static int retire_row(int fd, const struct stk_decision_row *r, struct retire_work *w, size_t rows,
		      int ncpu)
{
	struct stk_decision_key to = r->key;

	/* Unreported suppressions first go to the log under their own cgroup. */
	if (r->suppressed_reported < r->suppressed)
		return 0;
	if (!w->credits) {
		w->a = calloc(ncpu, sizeof(*w->a));
		w->b = calloc(ncpu, sizeof(*w->b));
		w->credits = calloc(rows, sizeof(*w->credits));
		if (!w->a || !w->b || !w->credits)
			return -ENOMEM;
	}
	to.cgroup_id = STK_CGROUP_RETIRED;
	if (fold_row(fd, &r->key, &to, w->a, w->b, ncpu))
		return 0; /* the map is full: it stays, and stays counted */
	w->credits[w->n].key = to;
	w->credits[w->n++].reported = r->suppressed_reported;
	return 0;
}

int stk_decisions_retire(int fd, struct stk_decision_table *t, struct stk_retire_pace *pace,
			 bool (*gone)(uint64_t cgroup_id, void *arg), void *arg)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct retire_work w = {};
	uint64_t last = 0;
	size_t i, j, k, asked = 0;
	bool paused = false;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	/* Rows are sorted by cgroup first: each cgroup's rows are [i, k). */
	for (i = 0; i < t->n && !err; i = k) {
		uint64_t id = t->rows[i].key.cgroup_id;

		for (k = i; k < t->n && t->rows[k].key.cgroup_id == id; k++)
			;
		if (id == STK_CGROUP_RETIRED || id <= pace->after)
			continue;
		if (pace->max && asked == pace->max) {
			paused = true;
			break;
		}
		asked++;
		last = id;
		if (!gone(id, arg))
			continue;
		for (j = i; j < k && !err; j++)
			err = retire_row(fd, &t->rows[j], &w, t->n, ncpu);
	}
	/* The next call goes on after the last cgroup asked about, or starts over. */
	pace->after = paused ? last : 0;
	if (w.n) {
		int rerr = stk_decisions_read(fd, t);

		if (!rerr)
			apply_credits(t, w.credits, w.n);
		err = err ? err : rerr;
	}
	free(w.credits);
	free(w.a);
	free(w.b);
	return err ? err : (int)w.n;
}

void stk_decisions_free(struct stk_decision_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}
