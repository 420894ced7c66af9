// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_time.c - the times "stockade log" reads: record times, and
 * --since/--until absolute and relative.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log_record.h"

#define NS 1000000000LL
/* 2026-11-25T15:40:01Z, checked against date -d @1795621201 -u. */
#define T0 1795621201LL

static int64_t parse(const char *s)
{
	int64_t t = 0;

	if (stk_log_parse_time(s, T0 * NS, &t))
		fail_msg("'%s' did not parse", s);
	return t;
}

static void test_rfc3339(void **state)
{
	(void)state;
	assert_int_equal(parse("2026-11-25T15:40:01Z"), T0 * NS);
	assert_int_equal(parse("2026-11-25T15:40:01.123456789Z"), T0 * NS + 123456789);
	/* Fewer digits are a fraction, not nanoseconds. */
	assert_int_equal(parse("2026-11-25T15:40:01.5Z"), T0 * NS + 500000000);
	assert_int_equal(parse("2026-11-25t15:40:01z"), T0 * NS);
	assert_int_equal(parse("2026-11-25T17:40:01+02:00"), T0 * NS);
	assert_int_equal(parse("2026-11-25T10:10:01-05:30"), T0 * NS);
	assert_int_equal(parse("1970-01-01T00:00:00Z"), 0);
}

static void test_plain_forms_are_utc(void **state)
{
	(void)state;
	assert_int_equal(parse("2026-11-25 15:40:01"), T0 * NS);
	assert_int_equal(parse("2026-11-25 15:40"), (T0 - 1) * NS);
	assert_int_equal(parse("2026-11-25"), (T0 - (15 * 3600 + 40 * 60 + 1)) * NS);
	assert_int_equal(parse("2024-02-29"), 1709164800LL * NS);
}

static void test_relative(void **state)
{
	(void)state;
	assert_int_equal(parse("now"), T0 * NS);
	assert_int_equal(parse("90s"), (T0 - 90) * NS);
	assert_int_equal(parse("10m"), (T0 - 600) * NS);
	assert_int_equal(parse("2h"), (T0 - 7200) * NS);
	assert_int_equal(parse("3d"), (T0 - 3 * 86400) * NS);
	assert_int_equal(parse("1w"), (T0 - 604800) * NS);
	assert_int_equal(parse("0m"), T0 * NS);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"", "10", "10x", "m", "-5m", "10 m", "10mm", "2026-11-25T", "2026-11-25T25:00:00Z",
		"2026-13-01", "2026-02-30", "2026-11-25 15:40:01 junk", "2026-11-25T15:40:01+2",
		"2026-11-25T15:40:01.Z", "99999999999999999999d", "yesterday", "26-11-25",
		"3000-01-01", /* past what 64-bit nanoseconds hold */
	};
	int64_t t = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (stk_log_parse_time(bad[i], T0 * NS, &t) != -EINVAL)
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(t, 42);
	}
	assert_int_equal(stk_log_parse_time(NULL, T0 * NS, &t), -EINVAL);
	/* Records hold absolute times only. */
	assert_int_equal(stk_log_parse_abs_time("10m", &t), -EINVAL);
	assert_int_equal(stk_log_parse_abs_time("now", &t), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_plain_forms_are_utc),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
