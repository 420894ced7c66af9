/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_canary.c - the pure parts of the canary: how its rule joins the
 * resolved maps, how its events are told from others, and its state as
 * the status file shows it. The probe itself runs in the VM
 * (tests/kernel/test_canary.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "canary.h"

static struct stk_file_value canary_value(void)
{
	struct stk_file_value v;

	stk_file_value_empty(&v);
	v.exact.action[STK_FACC_READ] = STK_ACT_DENY;
	v.exact.rule[STK_FACC_READ] = STK_RULE_CANARY;
	return v;
}

static void added_entry_is_appended(void **state)
{
	struct stk_file_maps m = {};
	struct stk_inode_key k = { .ino = 42, .dev = 7 };
	struct stk_file_value v = canary_value();

	(void)state;
	assert_int_equal(stk_file_maps_add_inode(&m, &k, &v), 0);
	assert_int_equal(m.n_inodes, 1);
	assert_int_equal(m.inodes[0].key.ino, 42);
	assert_int_equal(m.inodes[0].val.exact.action[STK_FACC_READ], STK_ACT_DENY);
	assert_int_equal(m.inodes[0].val.exact.rule[STK_FACC_READ], STK_RULE_CANARY);
	assert_int_equal(m.inodes[0].val.exact.rule[STK_FACC_WRITE], STK_RULE_NONE);
	/* What the agent adds must end the walk's skip of reads (stk_config.file_unruled). */
	assert_int_equal(m.added_ruled, 1u << STK_FACC_READ);
	/*
	 * An inode's exact verdict is found at the file itself, directories
	 * seen or not: it keys nothing (stk_config.file_keyed).
	 */
	assert_int_equal(m.added_keyed.deny | m.added_keyed.complain | m.added_keyed.audit, 0);
	stk_file_maps_free(&m);
	assert_int_equal(m.added_ruled, 0);
}

/* A policy naming the canary file: the canary's read verdict wins, the rest stays. */
static void added_entry_overrides_what_it_decides(void **state)
{
	struct stk_file_maps m = {};
	struct stk_inode_key k = { .ino = 42, .dev = 7 }, other = { .ino = 43, .dev = 7 };
	struct stk_file_value pol, v = canary_value();

	(void)state;
	stk_file_value_empty(&pol);
	pol.exact.action[STK_FACC_READ] = STK_ACT_DENY;
	pol.exact.rule[STK_FACC_READ] = 3;
	pol.exact.action[STK_FACC_WRITE] = STK_ACT_AUDIT | STK_ACT_COMPLAIN;
	pol.exact.rule[STK_FACC_WRITE] = 4;
	assert_int_equal(stk_file_maps_add_inode(&m, &other, &pol), 0);
	assert_int_equal(stk_file_maps_add_inode(&m, &k, &pol), 0);
	assert_int_equal(stk_file_maps_add_inode(&m, &k, &v), 0);
	assert_int_equal(m.n_inodes, 2);
	assert_int_equal(m.inodes[1].val.exact.rule[STK_FACC_READ], STK_RULE_CANARY);
	assert_int_equal(m.inodes[1].val.exact.action[STK_FACC_READ], STK_ACT_DENY);
	assert_int_equal(m.inodes[1].val.exact.rule[STK_FACC_WRITE], 4);
	assert_int_equal(m.inodes[0].val.exact.rule[STK_FACC_READ], 3);
	assert_int_equal(m.added_ruled, (1u << STK_FACC_READ) | (1u << STK_FACC_WRITE));
	stk_file_maps_free(&m);
}

static void canary_rule_survives_the_generation_tag(void **state)
{
	(void)state;
	assert_int_equal(stk_gen_tag_rule(STK_RULE_CANARY, 1) & STK_GEN_RULE_MASK,
			 STK_RULE_CANARY);
	assert_int_equal(stk_gen_tag_rule(STK_RULE_CANARY, 2) & STK_GEN_RULE_MASK,
			 STK_RULE_CANARY);
	assert_int_not_equal(stk_gen_tag_rule(STK_RULE_CANARY, 1), STK_RULE_NONE);
}

/* Before stk_canary_init() no event is the probe's: everything is logged. */
static void events_are_not_taken_without_a_probe(void **state)
{
	struct stk_event_hdr h = { .type = STK_EV_FILE, .rule = STK_RULE_CANARY, .pid = 1 };

	(void)state;
	assert_false(stk_canary_event(&h, sizeof(h)));
	h.rule = STK_RULE_NONE;
	assert_false(stk_canary_event(&h, sizeof(h)));
}

static void state_as_json(void **state)
{
	struct stk_canary_state s = { .result = STK_CANARY_FAILED, .last_run = 100,
				      .last_pass = 40, .passes = 2, .failures = 1 };
	struct json_object *o, *v;

	(void)state;
	strcpy(s.path, "/run/stockade/canary");
	strcpy(s.why, "reading was allowed");
	o = stk_canary_json(&s);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "result", &v));
	assert_string_equal(json_object_get_string(v), "failed");
	assert_true(json_object_object_get_ex(o, "last_pass", &v));
	assert_int_equal(json_object_get_int64(v), 40);
	assert_true(json_object_object_get_ex(o, "error", &v));
	assert_string_equal(json_object_get_string(v), "reading was allowed");
	json_object_put(o);

	s.result = STK_CANARY_PASSED;
	s.why[0] = '\0';
	o = stk_canary_json(&s);
	assert_true(json_object_object_get_ex(o, "result", &v));
	assert_string_equal(json_object_get_string(v), "passed");
	assert_false(json_object_object_get_ex(o, "error", &v));
	json_object_put(o);
	/* Nothing probed yet in this process. */
	assert_int_equal(stk_canary_state()->result, STK_CANARY_PENDING);
	assert_false(stk_canary_active());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(added_entry_is_appended),
		cmocka_unit_test(added_entry_overrides_what_it_decides),
		cmocka_unit_test(canary_rule_survives_the_generation_tag),
		cmocka_unit_test(events_are_not_taken_without_a_probe),
		cmocka_unit_test(state_as_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
