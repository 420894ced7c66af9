/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_names.c - the words of the policy language and back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy.h"

static void access_names_round_trip(void **state)
{
	static const char *const want[STK_FACC_COUNT] = {
		"read", "write", "create", "delete", "rename", "link", "attr", "exec",
	};
	int i;

	(void)state;
	for (i = 0; i < STK_FACC_COUNT; i++) {
		assert_string_equal(stk_file_access_name(i), want[i]);
		assert_int_equal(stk_file_access_from_name(want[i]), i);
	}
	assert_int_equal(stk_file_access_from_name("READ"), -1);
	assert_int_equal(stk_file_access_from_name("exec"), STK_FACC_EXEC);
	assert_int_equal(stk_file_access_from_name(""), -1);
	assert_int_equal(stk_file_access_from_name(NULL), -1);
	assert_null(stk_file_access_name(STK_FACC_COUNT));
	assert_null(stk_file_access_name((enum stk_file_access)-1));
}

static void action_names(void **state)
{
	(void)state;
	assert_string_equal(stk_action_name(STK_ACT_NONE), "none");
	assert_string_equal(stk_action_name(STK_ACT_ALLOW), "allow");
	assert_string_equal(stk_action_name(STK_ACT_AUDIT), "audit");
	assert_string_equal(stk_action_name(STK_ACT_DENY), "deny");
	assert_null(stk_action_name((enum stk_action)4));
	assert_int_equal(stk_action_from_name("allow"), STK_ACT_ALLOW);
	assert_int_equal(stk_action_from_name("audit"), STK_ACT_AUDIT);
	assert_int_equal(stk_action_from_name("deny"), STK_ACT_DENY);
	/* "none" is not a word a policy may write. */
	assert_int_equal(stk_action_from_name("none"), -1);
	assert_int_equal(stk_action_from_name("Deny"), -1);
	assert_int_equal(stk_action_from_name(NULL), -1);
}

static void mode_names(void **state)
{
	(void)state;
	assert_int_equal(stk_mode_from_name("enforce"), STK_MODE_ENFORCE);
	assert_int_equal(stk_mode_from_name("complain"), STK_MODE_COMPLAIN);
	assert_int_equal(stk_mode_from_name("inherit"), -1);
	assert_int_equal(stk_mode_from_name(""), -1);
	assert_string_equal(stk_mode_name(STK_MODE_ENFORCE), "enforce");
	assert_string_equal(stk_mode_name(STK_MODE_COMPLAIN), "complain");
	assert_string_equal(stk_mode_name(STK_MODE_INHERIT), "inherit");
	assert_null(stk_mode_name((enum stk_mode)3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(access_names_round_trip),
		cmocka_unit_test(action_names),
		cmocka_unit_test(mode_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
