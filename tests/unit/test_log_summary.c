// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_summary.c - "stockade log --summary" counts on the recorded
 * fixture log, the order of the lists, and the text and JSON forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "log_fixture.h"
#include "log_summary.h"

#define WEB "3f4e8a1c9b2d3f4e8a1c9b2d3f4e8a1c9b2d3f4e8a1c9b2d3f4e8a1c9b2d0a1b"
#define DB "9e8d7c6b5a419e8d7c6b5a419e8d7c6b5a419e8d7c6b5a419e8d7c6b5a413210"

static struct stk_log_summary sum;

static int setup(void **state)
{
	size_t i;

	(void)state;
	fixture_load(&fx, FIXTURE_LOG, true);
	for (i = 0; i < fx.n; i++)
		if (stk_log_summary_add(&sum, &fx.recs[i]))
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stk_log_summary_free(&sum);
	fixture_free(&fx);
	return 0;
}

static void test_totals(void **state)
{
	(void)state;
	assert_int_equal(sum.events, 16);
	assert_int_equal(sum.denied, 8);
	assert_int_equal(sum.complain, 7);
	assert_int_equal(sum.audited, 1);
	assert_int_equal(sum.first_ns, fx.recs[0].time_ns);
	assert_int_equal(sum.last_ns, fx.recs[15].time_ns);
}

static void test_by_rule_scope_hook(void **state)
{
	(void)state;
	assert_int_equal(sum.by_rule.n, 7);
	assert_int_equal(stk_tally_get(&sum.by_rule, "baseline/no-shadow"), 4);
	assert_int_equal(stk_tally_get(&sum.by_rule, "baseline/audit-ssh"), 1);
	assert_int_equal(stk_tally_get(&sum.by_rule, "baseline/ro-bin"), 2);
	assert_int_equal(stk_tally_get(&sum.by_rule, "hardening/var-lib-ro"), 5);
	assert_int_equal(stk_tally_get(&sum.by_rule, "hardening/etc-ro"), 1);
	assert_int_equal(stk_tally_get(&sum.by_rule, "hardening/no-home"), 1);
	assert_int_equal(stk_tally_get(&sum.by_rule, "db/secrets-ro"), 2);
	assert_int_equal(stk_tally_get(&sum.by_rule, "db/nothing"), 0);
	/* Containers by id; other cgroups by path; "-" when the cgroup was unknown. */
	assert_int_equal(sum.by_scope.n, 7);
	assert_int_equal(stk_tally_get(&sum.by_scope, WEB), 7);
	assert_int_equal(stk_tally_get(&sum.by_scope, DB), 2);
	assert_int_equal(stk_tally_get(&sum.by_scope, "/system.slice/cron.service"), 2);
	assert_int_equal(stk_tally_get(&sum.by_scope, "/system.slice/ssh.service"), 1);
	assert_int_equal(stk_tally_get(&sum.by_scope, "/system.slice/networking.service"), 1);
	assert_int_equal(
		stk_tally_get(&sum.by_scope, "/user.slice/user-1000.slice/session-3.scope"), 2);
	assert_int_equal(stk_tally_get(&sum.by_scope, "-"), 1);
	assert_int_equal(sum.by_hook.n, 1);
	assert_int_equal(stk_tally_get(&sum.by_hook, "file_open"), 16);
}

static void test_by_hour(void **state)
{
	static const struct {
		const char *hour;
		uint64_t n;
	} want[] = {
		{ "2026-11-24 22:00", 2 }, { "2026-11-24 23:00", 3 }, { "2026-11-25 00:00", 3 },
		{ "2026-11-25 03:00", 2 }, { "2026-11-25 08:00", 1 }, { "2026-11-25 09:00", 2 },
		{ "2026-11-25 10:00", 2 }, { "2026-11-25 11:00", 1 },
	};
	const struct stk_tally_ent **v = stk_tally_sorted(&sum.by_hour, true);
	size_t i;

	(void)state;
	assert_non_null(v);
	assert_int_equal(sum.by_hour.n, 8);
	for (i = 0; i < 8; i++) {
		assert_string_equal(v[i]->key, want[i].hour);
		assert_int_equal(v[i]->count, want[i].n);
	}
	free(v);
}

static void test_top_paths_and_binaries(void **state)
{
	const struct stk_tally_ent **v;

	(void)state;
	v = stk_tally_sorted(&sum.by_path, false);
	assert_non_null(v);
	assert_int_equal(sum.by_path.n, 12);
	assert_string_equal(v[0]->key, "/etc/shadow");
	assert_int_equal(v[0]->count, 4);
	assert_string_equal(v[1]->key, "/srv/db/secrets/key.pem");
	assert_int_equal(v[1]->count, 2);
	/* Ties in key order. */
	assert_string_equal(v[2]->key, "/etc/resolv.conf");
	free(v);
	v = stk_tally_sorted(&sum.by_binary, false);
	assert_non_null(v);
	assert_string_equal(v[0]->key, "nginx");
	assert_int_equal(v[0]->count, 6);
	assert_string_equal(v[1]->key, "cat");
	assert_int_equal(v[1]->count, 3);
	assert_string_equal(v[2]->key, "postgres");
	assert_int_equal(v[2]->count, 2);
	free(v);
}

static void test_tally_grows(void **state)
{
	struct stk_tally t = {};
	char key[32];
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i % 1000);
		assert_int_equal(stk_tally_add(&t, key, 1), 0);
	}
	assert_int_equal(t.n, 1000);
	assert_int_equal(stk_tally_get(&t, "k999"), 5);
	assert_int_equal(stk_tally_get(&t, "k1000"), 0);
	stk_tally_free(&t);
	assert_int_equal(stk_tally_get(&t, "k1"), 0);
	assert_null(stk_tally_sorted(&t, false));
}

static char *capture(bool json, size_t top)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		assert_int_equal(stk_log_summary_json(&sum, f), 0);
	else
		stk_log_summary_print(&sum, f, top);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	char *text = capture(false, 3);

	(void)state;
	assert_non_null(strstr(text, "16 events from 2026-11-24 22:05:01 to 2026-11-25 11:00:00 UTC"));
	assert_non_null(strstr(text, "denied: 8, would be denied (complain mode): 7, audited: 1"));
	assert_non_null(strstr(text, "\nBy rule (policy/rule):\n         5  hardening/var-lib-ro\n"));
	assert_non_null(strstr(text, "\nTop paths:\n         4  /etc/shadow\n"));
	assert_non_null(strstr(text, "(9 more)")); /* 12 paths, top 3 */
	/* The hostile name is neutralised, never sent to the terminal raw. */
	assert_null(strchr(text, '\x1b'));
	free(text);
	text = capture(false, 0);
	assert_non_null(strstr(text, "/usr/bin/evil\\x1b[2J\\x0ax"));
	free(text);
}

static void test_json(void **state)
{
	char *text = capture(true, 0);
	struct json_object *o = json_tokener_parse(text), *v, *w;

	(void)state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "events", &v));
	assert_int_equal(json_object_get_int(v), 16);
	assert_true(json_object_object_get_ex(o, "by_rule", &v));
	assert_true(json_object_object_get_ex(v, "db/secrets-ro", &w));
	assert_int_equal(json_object_get_int(w), 2);
	assert_true(json_object_object_get_ex(o, "by_path", &v));
	assert_true(json_object_object_get_ex(v, "/usr/bin/evil\x1b[2J\nx", &w));
	assert_int_equal(json_object_get_int(w), 1);
	json_object_put(o);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals),
		cmocka_unit_test(test_by_rule_scope_hook),
		cmocka_unit_test(test_by_hour),
		cmocka_unit_test(test_top_paths_and_binaries),
		cmocka_unit_test(test_tally_grows),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
