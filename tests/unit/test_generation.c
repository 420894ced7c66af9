/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_generation.c - rule numbers tagged with their policy generation, and
 * the layout the generation switch relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "generation.h"

static void tag_round_trips_and_spares_none(void **state)
{
	struct stk_file_verdict v = { .rule = { 0, 7, STK_RULE_NONE, STK_GEN_RULE_MASK } };
	uint32_t gen;

	(void)state;
	for (gen = 1; gen <= 2; gen++) {
		struct stk_file_verdict t = v;

		stk_gen_tag_verdict(&t, gen);
		assert_int_equal(t.rule[0] >> STK_GEN_RULE_SHIFT, gen);
		assert_int_equal(t.rule[0] & STK_GEN_RULE_MASK, 0);
		assert_int_equal(t.rule[1] & STK_GEN_RULE_MASK, 7);
		assert_int_equal(t.rule[2], STK_RULE_NONE);
		assert_int_equal(t.rule[3] & STK_GEN_RULE_MASK, STK_GEN_RULE_MASK);
		/* Tagging again (a reload into the other slot) replaces, never ORs. */
		stk_gen_tag_verdict(&t, stk_gen_other(gen));
		assert_int_equal(t.rule[1] >> STK_GEN_RULE_SHIFT, stk_gen_other(gen));
		assert_int_equal(t.rule[1] & STK_GEN_RULE_MASK, 7);
	}
}

static void generations_alternate(void **state)
{
	(void)state;
	assert_int_equal(stk_gen_other(1), 2);
	assert_int_equal(stk_gen_other(2), 1);
}

static void generation_shares_the_key_padding(void **state)
{
	(void)state;
	/* The generation must not grow the key the BPF side hashes. */
	assert_int_equal(sizeof(struct stk_inode_key), 16);
	assert_int_equal(offsetof(struct stk_inode_key, gen), 12);
	assert_int_equal(offsetof(struct stk_inode_key, scope), 14);
	assert_int_equal(offsetof(struct stk_name_key, dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tag_round_trips_and_spares_none),
		cmocka_unit_test(generations_alternate),
		cmocka_unit_test(generation_shares_the_key_padding),
	};

	return cmocka_run_group_tests_name("generation", tests, NULL, NULL);
}
