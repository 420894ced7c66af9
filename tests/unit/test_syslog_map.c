// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_syslog_map.c - syslog facilities by name and event priorities.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include <cmocka.h>

#include "syslog_map.h"

static void facilities(void **state)
{
	static const struct {
		const char *name;
		int fac;
	} cases[] = {
		{ "authpriv", LOG_AUTHPRIV }, { "auth", LOG_AUTH },	{ "daemon", LOG_DAEMON },
		{ "user", LOG_USER },	      { "local0", LOG_LOCAL0 }, { "local7", LOG_LOCAL7 },
		{ "syslog", LOG_SYSLOG },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(stk_syslog_facility(cases[i].name), cases[i].fac);
		assert_string_equal(stk_syslog_facility_name(cases[i].fac), cases[i].name);
	}
	assert_int_equal(stk_syslog_facility("local8"), -1);
	assert_int_equal(stk_syslog_facility("AUTHPRIV"), -1);
	assert_int_equal(stk_syslog_facility(""), -1);
	assert_int_equal(stk_syslog_facility(NULL), -1);
	assert_null(stk_syslog_facility_name(12345));
	assert_int_equal(STK_SYSLOG_FACILITY_DEFAULT, LOG_AUTHPRIV);
}

static void priorities(void **state)
{
	(void)state;
	assert_int_equal(stk_syslog_priority(STK_ACT_DENY, false), LOG_WARNING);
	assert_int_equal(stk_syslog_priority(STK_ACT_DENY | STK_ACT_COMPLAIN, false), LOG_WARNING);
	assert_int_equal(stk_syslog_priority(STK_ACT_AUDIT, false), LOG_NOTICE);
	assert_int_equal(stk_syslog_priority(STK_ACT_DENY, true), LOG_ALERT);
	assert_int_equal(stk_syslog_priority(STK_ACT_AUDIT, true), LOG_ALERT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facilities),
		cmocka_unit_test(priorities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
