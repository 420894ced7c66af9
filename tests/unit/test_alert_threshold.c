// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_alert_threshold.c - "N denials in M seconds" per cgroup.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "alert_threshold.h"

#define SEC 1000000000LL

static void parse(void **state)
{
	uint32_t n, m;

	(void)state;
	assert_int_equal(stk_alert_threshold_parse("20/60", &n, &m), 0);
	assert_int_equal(n, 20);
	assert_int_equal(m, 60);
	assert_int_equal(stk_alert_threshold_parse("1/1s", &n, &m), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m, 1);
	assert_int_equal(stk_alert_threshold_parse("20", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("0/60", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("5/0", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("5/60m", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("-5/60", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("5/-60", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("2000000/1", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse("", &n, &m), -EINVAL);
	assert_int_equal(stk_alert_threshold_parse(NULL, &n, &m), -EINVAL);
}

static void windows_per_cgroup(void **state)
{
	struct stk_alert_threshold *t = calloc(1, sizeof(*t));

	(void)state;
	t->count = 3;
	t->seconds = 10;
	/* Two in cgroup 7, interleaved with cgroup 8: the third of 7 alerts. */
	assert_false(stk_alert_threshold_hit(t, 7, 100 * SEC));
	assert_false(stk_alert_threshold_hit(t, 8, 100 * SEC));
	assert_false(stk_alert_threshold_hit(t, 7, 101 * SEC));
	assert_false(stk_alert_threshold_hit(t, 8, 101 * SEC));
	assert_true(stk_alert_threshold_hit(t, 7, 109 * SEC));
	/* A new window opens after the alert. */
	assert_false(stk_alert_threshold_hit(t, 7, 109 * SEC + 1));
	/* Too slow: 8's window (opened at 100 s) is over; a new one opens at 111 s. */
	assert_false(stk_alert_threshold_hit(t, 8, 111 * SEC));
	assert_false(stk_alert_threshold_hit(t, 8, 112 * SEC));
	assert_true(stk_alert_threshold_hit(t, 8, 113 * SEC));
	/* No threshold: never. */
	t->count = 0;
	assert_false(stk_alert_threshold_hit(t, 7, 120 * SEC));
	free(t);
}

/* More cgroups than slots: memory stays fixed and the newest still count. */
static void table_is_bounded(void **state)
{
	struct stk_alert_threshold *t = calloc(1, sizeof(*t));
	uint64_t id;

	(void)state;
	t->count = 2;
	t->seconds = 1000;
	for (id = 1; id <= 10 * STK_ALERT_SCOPES; id++)
		assert_false(stk_alert_threshold_hit(t, id, (int64_t)id * SEC));
	/* The last cgroup is tracked: its second denial alerts. */
	assert_true(stk_alert_threshold_hit(t, 10 * STK_ALERT_SCOPES, (10 * STK_ALERT_SCOPES + 1) * SEC));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),
		cmocka_unit_test(windows_per_cgroup),
		cmocka_unit_test(table_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
