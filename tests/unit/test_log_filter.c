// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_filter.c - "stockade log" filters on the recorded fixture log:
 * each filter alone, several together, and the component-wise prefixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "log_filter.h"
#include "log_fixture.h"

static size_t count(const struct stk_log_filter *f)
{
	size_t i, n = 0;

	for (i = 0; i < fx.n; i++)
		n += stk_log_filter_match(f, &fx.recs[i]);
	return n;
}

static int64_t at(const char *s)
{
	int64_t t;

	assert_int_equal(stk_log_parse_time(s, 0, &t), 0);
	return t;
}

static void test_empty_matches_all(void **state)
{
	struct stk_log_filter f;

	(void)state;
	stk_log_filter_init(&f);
	assert_int_equal(count(&f), 16);
}

#define CHECK(field, value, expected)                   \
	do {                                            \
		struct stk_log_filter f;                \
		stk_log_filter_init(&f);                \
		f.field = value;                        \
		assert_int_equal(count(&f), expected);  \
	} while (0)

static void test_each_filter(void **state)
{
	(void)state;
	CHECK(policy, "baseline", 7);
	CHECK(policy, "hardening", 7);
	CHECK(policy, "db", 2);
	CHECK(policy, "base", 0);
	CHECK(rule, "no-shadow", 4);
	CHECK(rule, "baseline/no-shadow", 4);
	CHECK(rule, "db/no-shadow", 0);
	CHECK(rule, "var-lib-ro", 5);
	CHECK(hook, "file_open", 16);
	CHECK(hook, "socket_connect", 0);
	CHECK(action, "audit", 1);
	CHECK(action, "deny", 15);
	CHECK(cgroup, "/system.slice", 11);
	CHECK(cgroup, "/system.slice/cron.service", 2);
	CHECK(cgroup, "/system", 0); /* a prefix of a name, not of a directory */
	CHECK(cgroup, "/", 15);	     /* every record whose cgroup is known */
	CHECK(container, "3f4e8a1c", 7);
	CHECK(container, "9e8d7c6b5a41", 2);
	CHECK(container, "ffff", 0);
	CHECK(pid, 7001, 2);
	CHECK(pid, 1, 0);
	CHECK(uid, 33, 6);
	CHECK(uid, 0, 6);
	CHECK(comm, "nginx", 6);
	CHECK(comm, "ngin", 0);
	CHECK(exe, "nginx", 0); /* no "exe" in today's records */
	CHECK(path_prefix, "/etc", 6);
	CHECK(path_prefix, "/etc/", 6);
	CHECK(path_prefix, "/etc/shadow", 4);
	CHECK(path_prefix, "/etc/shad", 0);
	CHECK(path_prefix, "/var/lib/nginx/body", 4);
	CHECK(path_prefix, "/usr/bin/evil\x1b[2J\nx", 1);
}

/* Events name the executable without its directory: a path matches by its name. */
static void test_exe_name(void **state)
{
	static const char line[] = "{\"time\":\"2026-11-25T15:40:01.123456789Z\",\"action\":\"deny\","
				   "\"enforced\":true,\"hook\":\"file_open\",\"exe\":\"cat\"}";
	struct stk_log_filter f;
	struct stk_log_rec r;
	char err[128];

	(void)state;
	assert_int_equal(stk_log_rec_parse(line, strlen(line), &r, err, sizeof(err)), 0);
	stk_log_filter_init(&f);
	f.exe = "cat";
	assert_true(stk_log_filter_match(&f, &r));
	f.exe = "/usr/bin/cat";
	assert_true(stk_log_filter_match(&f, &r));
	f.exe = "/usr/bin/dog";
	assert_false(stk_log_filter_match(&f, &r));
	f.exe = "ca";
	assert_false(stk_log_filter_match(&f, &r));
	stk_log_rec_clear(&r);
}

static void test_time_range(void **state)
{
	struct stk_log_filter f;

	(void)state;
	stk_log_filter_init(&f);
	f.has_since = true;
	f.since_ns = at("2026-11-25 09:00:00");
	assert_int_equal(count(&f), 5);
	f.since_ns = at("2026-11-24T22:05:01.123456789Z"); /* inclusive, to the ns */
	assert_int_equal(count(&f), 16);
	f.since_ns = at("2026-11-24T22:05:01.12345679Z");
	assert_int_equal(count(&f), 15);
	stk_log_filter_init(&f);
	f.has_until = true;
	f.until_ns = at("2026-11-24T23:59:59Z");
	assert_int_equal(count(&f), 5);
	f.has_since = true;
	f.since_ns = at("2026-11-24T23:00:00+00:00");
	assert_int_equal(count(&f), 3);
	f.since_ns = at("2026-11-25T00:00:00+01:00"); /* 23:00 UTC */
	assert_int_equal(count(&f), 3);
}

static void test_filters_and_together(void **state)
{
	struct stk_log_filter f;

	(void)state;
	stk_log_filter_init(&f);
	f.policy = "baseline";
	f.has_since = true;
	f.since_ns = at("2026-11-25");
	assert_int_equal(count(&f), 4);
	f.comm = "cat";
	assert_int_equal(count(&f), 1);
	f.container = "3f4e";
	assert_int_equal(count(&f), 1);
	f.uid = 1000;
	assert_int_equal(count(&f), 0);
}

static void test_path_under(void **state)
{
	(void)state;
	assert_true(stk_log_path_under("/etc/passwd", "/etc"));
	assert_true(stk_log_path_under("/etc", "/etc"));
	assert_false(stk_log_path_under("/etc", "/etc/"));
	assert_false(stk_log_path_under("/etcx/passwd", "/etc"));
	assert_true(stk_log_path_under("/anything", "/"));
	assert_false(stk_log_path_under(NULL, "/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_matches_all),
		cmocka_unit_test(test_each_filter),
		cmocka_unit_test(test_exe_name),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_filters_and_together),
		cmocka_unit_test(test_path_under),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
