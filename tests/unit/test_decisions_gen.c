// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_decisions_gen.c - stk_decisions_forget_gen() (agent/decisions.c) on
 * a real per-CPU hash map shaped like stk_decisions: it deletes exactly the
 * rows whose rule carries the given generation, however many there are and
 * in whatever order the map lists them. Skipped where this process may not
 * create BPF maps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "decisions.h"
#include "generation.h"

static int new_map(void)
{
	return bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "stk_test_dec",
			      sizeof(struct stk_decision_key), sizeof(struct stk_decision_count),
			      4096, NULL);
}

static void put(int fd, uint64_t cgroup, uint32_t rule)
{
	int ncpu = libbpf_num_possible_cpus();
	struct stk_decision_count *v = calloc(ncpu, sizeof(*v));
	struct stk_decision_key k = { .cgroup_id = cgroup, .rule = rule, .hook = 1, .action = 1 };

	assert_non_null(v);
	v[0].decisions = 7;
	assert_int_equal(bpf_map_update_elem(fd, &k, v, BPF_NOEXIST), 0);
	free(v);
}

static bool has(int fd, uint64_t cgroup, uint32_t rule)
{
	int ncpu = libbpf_num_possible_cpus();
	struct stk_decision_count *v = calloc(ncpu, sizeof(*v));
	struct stk_decision_key k = { .cgroup_id = cgroup, .rule = rule, .hook = 1, .action = 1 };
	bool found;

	assert_non_null(v);
	found = bpf_map_lookup_elem(fd, &k, v) == 0;
	free(v);
	return found;
}

static void forgets_only_that_generation(void **state)
{
	int fd = new_map(), i;

	(void)state;
	if (fd < 0)
		skip();
	/* Many rows of each kind, so deletions happen mid-iteration. */
	for (i = 0; i < 300; i++) {
		put(fd, 100 + i, stk_gen_tag_rule(i, 1));
		put(fd, 100 + i, stk_gen_tag_rule(i, 2));
		put(fd, 100 + i, i); /* untagged (generation 0) */
	}
	put(fd, 1, STK_RULE_NONE);
	assert_int_equal(stk_decisions_forget_gen(fd, 1), 300);
	for (i = 0; i < 300; i++) {
		assert_false(has(fd, 100 + i, stk_gen_tag_rule(i, 1)));
		assert_true(has(fd, 100 + i, stk_gen_tag_rule(i, 2)));
		assert_true(has(fd, 100 + i, i));
	}
	assert_true(has(fd, 1, STK_RULE_NONE));
	/* Nothing left of generation 1; then generation 2 goes too. */
	assert_int_equal(stk_decisions_forget_gen(fd, 1), 0);
	assert_int_equal(stk_decisions_forget_gen(fd, 2), 300);
	assert_true(has(fd, 1, STK_RULE_NONE));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forgets_only_that_generation),
	};

	return cmocka_run_group_tests_name("decisions_gen", tests, NULL, NULL);
}
