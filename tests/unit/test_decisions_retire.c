// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_decisions_retire.c - stk_decisions_retire() (agent/decisions.c) on a
 * real per-CPU hash map shaped like stk_decisions: the rows of removed
 * cgroups move into the STK_CGROUP_RETIRED rows, counts and all, per CPU;
 * rows with suppressions the log has not heard of stay; a full map keeps
 * them where they are; a call asks about a bounded number of cgroups. Skipped where this process may not create BPF maps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "decisions.h"

#define RULE_A 3
#define RULE_B 4

static int new_map(unsigned int max_entries)
{
	return bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "stk_test_ret",
			      sizeof(struct stk_decision_key), sizeof(struct stk_decision_count),
			      max_entries, NULL);
}

static struct stk_decision_key key_of(uint64_t cgroup, uint32_t rule)
{
	return (struct stk_decision_key){ .cgroup_id = cgroup, .rule = rule, .hook = 2,
					  .action = 1 };
}

/* @decisions and @suppressed on the last CPU, one more decision on the first. */
static void put(int fd, uint64_t cgroup, uint32_t rule, uint64_t decisions, uint64_t suppressed)
{
	int ncpu = libbpf_num_possible_cpus();
	struct stk_decision_count *v = calloc(ncpu, sizeof(*v));
	struct stk_decision_key k = key_of(cgroup, rule);

	assert_non_null(v);
	v[ncpu - 1].decisions += decisions;
	v[ncpu - 1].suppressed += suppressed;
	v[0].decisions += 1;
	assert_int_equal(bpf_map_update_elem(fd, &k, v, BPF_NOEXIST), 0);
	free(v);
}

static const struct stk_decision_row *row(const struct stk_decision_table *t, uint64_t cgroup,
					  uint32_t rule)
{
	struct stk_decision_key k = key_of(cgroup, rule);
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!memcmp(&t->rows[i].key, &k, sizeof(k)))
			return &t->rows[i];
	return NULL;
}

static bool in_map(int fd, uint64_t cgroup, uint32_t rule)
{
	int ncpu = libbpf_num_possible_cpus();
	struct stk_decision_count *v = calloc(ncpu, sizeof(*v));
	struct stk_decision_key k = key_of(cgroup, rule);
	bool found;

	assert_non_null(v);
	found = bpf_map_lookup_elem(fd, &k, v) == 0;
	free(v);
	return found;
}

/* What stk_watch_report() does once the reader took the summaries. */
static void all_reported(struct stk_decision_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		t->rows[i].suppressed_reported = t->rows[i].suppressed;
}

/* The cgroups a call asked about, in order. */
static uint64_t asked[16];
static size_t n_asked;

static bool removed(uint64_t id, void *arg)
{
	const uint64_t *gone = arg;

	if (n_asked < sizeof(asked) / sizeof(asked[0]))
		asked[n_asked++] = id;
	for (; *gone; gone++)
		if (*gone == id)
			return true;
	return false;
}

static uint64_t sum_of_rule(const struct stk_decision_table *t, uint32_t rule)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].key.rule == rule)
			sum += t->rows[i].decisions;
	return sum;
}

static void removed_cgroups_move_into_the_retired_rows(void **state)
{
	struct stk_decision_table t = {};
	uint64_t gone[] = { 6, 7, 8, 0 };
	struct stk_retire_pace all = { 0 };
	const struct stk_decision_row *r;
	int fd = new_map(64);

	(void)state;
	if (fd < 0)
		skip();
	put(fd, 5, RULE_A, 10, 0);    /* alive */
	put(fd, 6, RULE_A, 20, 4);    /* removed */
	put(fd, 6, RULE_B, 30, 0);    /* removed */
	put(fd, 7, RULE_A, 40, 2);    /* removed, its suppressions not yet in the log */
	put(fd, 8, RULE_A, 50, 0);    /* removed */
	put(fd, STK_CGROUP_RETIRED, RULE_A, 100, 1); /* retired at an earlier tick */
	assert_int_equal(stk_decisions_read(fd, &t), 0);
	all_reported(&t);
	put(fd, 9, RULE_A, 1, 0); /* a row made after this tick's read */
	t.rows[row(&t, 7, RULE_A) - t.rows].suppressed_reported = 0;
	assert_int_equal(sum_of_rule(&t, RULE_A), 11 + 21 + 41 + 51 + 101);

	assert_int_equal(stk_decisions_retire(fd, &t, &all, removed, gone), 3);
	assert_true(in_map(fd, 5, RULE_A));
	assert_false(in_map(fd, 6, RULE_A));
	assert_false(in_map(fd, 6, RULE_B));
	assert_true(in_map(fd, 7, RULE_A));
	assert_false(in_map(fd, 8, RULE_A));
	assert_true(in_map(fd, 9, RULE_A));
	/* Read again: the new row is there, and the sums by rule are whole. */
	assert_non_null(row(&t, 9, RULE_A));
	assert_int_equal(sum_of_rule(&t, RULE_A), 11 + 21 + 41 + 51 + 101 + 2);
	assert_int_equal(sum_of_rule(&t, RULE_B), 31);
	r = row(&t, STK_CGROUP_RETIRED, RULE_A);
	assert_non_null(r);
	assert_int_equal(r->decisions, 101 + 21 + 51);
	assert_int_equal(r->suppressed, 1 + 4);
	/* Reported once under their own cgroup: not again under the retired row. */
	assert_int_equal(r->suppressed_reported, r->suppressed);
	r = row(&t, STK_CGROUP_RETIRED, RULE_B);
	assert_non_null(r);
	assert_int_equal(r->decisions, 31);
	assert_int_equal(row(&t, 7, RULE_A)->suppressed_reported, 0);

	/* Once the log heard of cgroup 7's suppressions, it goes too. */
	all_reported(&t);
	assert_int_equal(stk_decisions_retire(fd, &t, &all, removed, gone), 1);
	assert_false(in_map(fd, 7, RULE_A));
	r = row(&t, STK_CGROUP_RETIRED, RULE_A);
	assert_int_equal(r->decisions, 101 + 21 + 51 + 41);
	assert_int_equal(r->suppressed_reported, r->suppressed);
	assert_int_equal(sum_of_rule(&t, RULE_A), 11 + 21 + 41 + 51 + 101 + 2);
	/* Nothing left to retire. */
	assert_int_equal(stk_decisions_retire(fd, &t, &all, removed, gone), 0);
	stk_decisions_free(&t);
	close(fd);
}

/* No room for a retired row: the removed cgroup's row stays, counted. */
static void a_full_map_keeps_the_rows(void **state)
{
	struct stk_decision_table t = {};
	uint64_t gone[] = { 6, 0 };
	struct stk_retire_pace all = { 0 };
	int fd = new_map(2);

	(void)state;
	if (fd < 0)
		skip();
	put(fd, 5, RULE_A, 10, 0);
	put(fd, 6, RULE_A, 20, 0);
	assert_int_equal(stk_decisions_read(fd, &t), 0);
	all_reported(&t);
	assert_int_equal(stk_decisions_retire(fd, &t, &all, removed, gone), 0);
	assert_true(in_map(fd, 6, RULE_A));
	assert_false(in_map(fd, STK_CGROUP_RETIRED, RULE_A));
	assert_int_equal(sum_of_rule(&t, RULE_A), 32);
	stk_decisions_free(&t);
	close(fd);
}

/* One retire call with @pace: it retires @rows, asking about @n cgroups, @first and @second. */
static void retire_asking(int fd, struct stk_decision_table *t, struct stk_retire_pace *pace,
			  uint64_t *gone, int rows, size_t n, uint64_t first, uint64_t second)
{
	n_asked = 0;
	assert_int_equal(stk_decisions_retire(fd, t, pace, removed, gone), rows);
	assert_int_equal(n_asked, n);
	assert_int_equal(asked[0], first);
	if (n > 1)
		assert_int_equal(asked[1], second);
}

/*
 * A call asks about at most pace.max cgroups, in id order, and the next
 * goes on after the last one asked about; past the end it starts over.
 */
static void cgroups_are_asked_about_a_few_per_call(void **state)
{
	struct stk_retire_pace pace = { .max = 2 };
	struct stk_decision_table t = {};
	uint64_t gone[] = { 3, 4, 6, 0 };
	int fd = new_map(64);
	uint64_t id;

	(void)state;
	if (fd < 0)
		skip();
	for (id = 2; id <= 6; id++) /* 5 is alive */
		put(fd, id, RULE_A, id, 0);
	put(fd, 4, RULE_B, 40, 0);
	put(fd, STK_CGROUP_RETIRED, RULE_A, 100, 0); /* never asked about */
	assert_int_equal(stk_decisions_read(fd, &t), 0);
	all_reported(&t);

	retire_asking(fd, &t, &pace, gone, 1, 2, 2, 3);
	assert_int_equal(pace.after, 3);
	assert_false(in_map(fd, 3, RULE_A));
	assert_true(in_map(fd, 4, RULE_A));

	retire_asking(fd, &t, &pace, gone, 2, 2, 4, 5);
	assert_false(in_map(fd, 4, RULE_A));
	assert_false(in_map(fd, 4, RULE_B));
	assert_true(in_map(fd, 6, RULE_A));

	/* The last cgroup, then the end: the next call starts over. */
	retire_asking(fd, &t, &pace, gone, 1, 1, 6, 0);
	assert_int_equal(pace.after, 0);
	retire_asking(fd, &t, &pace, gone, 0, 2, 2, 5);
	assert_int_equal(row(&t, STK_CGROUP_RETIRED, RULE_A)->decisions, 101 + 4 + 5 + 7);
	assert_int_equal(sum_of_rule(&t, RULE_A), 101 + 3 + 4 + 5 + 6 + 7);
	stk_decisions_free(&t);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(removed_cgroups_move_into_the_retired_rows),
		cmocka_unit_test(a_full_map_keeps_the_rows),
		cmocka_unit_test(cgroups_are_asked_about_a_few_per_call),
	};

	return cmocka_run_group_tests_name("decisions_retire", tests, NULL, NULL);
}
