// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_suggest.c - "stockade log --suggest" on the recorded fixture
 * log: which records it takes, directory grouping, and that its output
 * pasted into the complain-mode policy turns into a policy that loads and
 * allows what was recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "log_against.h"
#include "log_fixture.h"
#include "log_suggest.h"
#include "policy_load.h"

static struct json_object *suggest(size_t dir_files)
{
	struct stk_suggest s = {};
	struct json_object *o;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	for (i = 0; i < fx.n; i++)
		assert_true(stk_suggest_add(&s, &fx.recs[i]) >= 0);
	assert_int_equal(s.used, 7); /* the complain-mode denials */
	assert_int_equal(s.ignored, 9);
	f = open_memstream(&buf, &len);
	assert_int_equal(stk_suggest_print(&s, f, dir_files), 0);
	fclose(f);
	stk_suggest_free(&s);
	o = json_tokener_parse(buf);
	if (!o)
		fail_msg("not JSON: %s", buf);
	free(buf);
	return o;
}

static const char *rule_str(struct json_object *rule, const char *key, size_t idx)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(rule, key, &v));
	if (json_object_is_type(v, json_type_array))
		v = json_object_array_get_idx(v, idx);
	return json_object_get_string(v);
}

static void test_grouping(void **state)
{
	struct json_object *o = suggest(3), *rules, *r;

	(void)state;
	assert_int_equal(json_object_object_length(o), 1); /* only "hardening" complained */
	assert_true(json_object_object_get_ex(o, "hardening", &rules));
	assert_int_equal(json_object_array_length(rules), 4);
	r = json_object_array_get_idx(rules, 0);
	assert_string_equal(rule_str(r, "id", 0), "allow-etc");
	assert_string_equal(rule_str(r, "paths", 0), "/etc/resolv.conf");
	assert_string_equal(rule_str(r, "access", 0), "write");
	assert_string_equal(rule_str(r, "action", 0), "allow");
	r = json_object_array_get_idx(rules, 1);
	assert_string_equal(rule_str(r, "paths", 0), "/home/alice/.profile");
	assert_string_equal(rule_str(r, "access", 0), "read");
	/* Four files in one directory: the directory's subtree. */
	r = json_object_array_get_idx(rules, 2);
	assert_string_equal(rule_str(r, "id", 0), "allow-var-lib-nginx-body");
	assert_string_equal(rule_str(r, "paths", 0), "/var/lib/nginx/body/");
	assert_string_equal(rule_str(r, "access", 0), "write");
	r = json_object_array_get_idx(rules, 3);
	assert_string_equal(rule_str(r, "paths", 0), "/var/lib/nginx/proxy/0000000003");
	json_object_put(o);
}

static void test_threshold(void **state)
{
	struct json_object *o = suggest(5), *rules, *r, *paths;

	(void)state;
	assert_true(json_object_object_get_ex(o, "hardening", &rules));
	r = json_object_array_get_idx(rules, 2);
	/* Below the threshold: the files themselves, in one rule (same access). */
	assert_true(json_object_object_get_ex(r, "paths", &paths));
	assert_int_equal(json_object_array_length(paths), 4);
	assert_string_equal(rule_str(r, "paths", 0), "/var/lib/nginx/body/0000000001");
	assert_string_equal(rule_str(r, "paths", 3), "/var/lib/nginx/body/0000000005");
	json_object_put(o);
	o = suggest(1); /* even one file makes its directory; but never "/" */
	assert_true(json_object_object_get_ex(o, "hardening", &rules));
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 0), "paths", 0), "/etc/");
	json_object_put(o);
}

static void test_access_kinds_and_ids(void **state)
{
	static const char *const lines[] = {
		"{\"time\":\"2026-11-25T12:00:00Z\",\"action\":\"deny\",\"enforced\":false,"
		"\"hook\":\"file_open\",\"policy\":\"p\",\"path\":\"/srv/a\",\"access\":[\"read\"]}",
		"{\"time\":\"2026-11-25T12:00:01Z\",\"action\":\"deny\",\"enforced\":false,"
		"\"hook\":\"file_open\",\"policy\":\"p\",\"path\":\"/srv/a\",\"access\":[\"write\"]}",
		"{\"time\":\"2026-11-25T12:00:02Z\",\"action\":\"deny\",\"enforced\":false,"
		"\"hook\":\"file_open\",\"policy\":\"p\",\"path\":\"/srv/b\",\"access\":[\"read\"]}",
		"{\"time\":\"2026-11-25T12:00:03Z\",\"action\":\"deny\",\"enforced\":false,"
		"\"hook\":\"file_open\",\"policy\":\"p\",\"path\":\"/top\",\"access\":[\"read\"]}",
	};
	struct stk_suggest s = {};
	struct stk_log_rec r;
	struct json_object *o, *rules;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(stk_log_rec_parse(lines[i], strlen(lines[i]), &r, NULL, 0), 0);
		assert_int_equal(stk_suggest_add(&s, &r), 1);
		stk_log_rec_clear(&r);
	}
	f = open_memstream(&buf, &len);
	assert_int_equal(stk_suggest_print(&s, f, 3), 0);
	fclose(f);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "p", &rules));
	/* A file read and written once each gets both, apart from a file only read. */
	assert_int_equal(json_object_array_length(rules), 3);
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 0), "id", 0), "allow-root");
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 0), "paths", 0), "/top");
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 1), "id", 0), "allow-srv");
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 1), "paths", 0), "/srv/a");
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 1), "access", 1), "write");
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 2), "id", 0), "allow-srv-2");
	assert_string_equal(rule_str(json_object_array_get_idx(rules, 2), "paths", 0), "/srv/b");
	json_object_put(o);
	free(buf);
	stk_suggest_free(&s);
}

/* Pasting the suggestion into the complain-mode policy, then enforcing it. */
static void test_suggestion_covers_the_log(void **state)
{
	struct json_object *o = suggest(3), *sugg, *pol, *files, *rules;
	struct stk_policy_set *set = NULL;
	struct stk_whatif_draft draft;
	struct stk_diags d = {};
	char dir[] = "/tmp/stk-test-suggest-XXXXXX", path[96];
	char *paths[3], *cmd = NULL;
	size_t i;
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	pol = json_object_from_file(FIXTURES "policies/hardening.json");
	assert_non_null(pol);
	json_object_object_add(pol, "mode", json_object_new_string("enforce"));
	assert_true(json_object_object_get_ex(pol, "files", &files));
	assert_true(json_object_object_get_ex(files, "rules", &rules));
	assert_true(json_object_object_get_ex(o, "hardening", &sugg));
	for (i = 0; i < json_object_array_length(sugg); i++)
		json_object_array_add(rules, json_object_get(json_object_array_get_idx(sugg, i)));
	snprintf(path, sizeof(path), "%s/hardening.json", dir);
	assert_int_equal(json_object_to_file(path, pol), 0);
	paths[0] = FIXTURES "policies/baseline.json";
	paths[1] = FIXTURES "policies/db.json";
	paths[2] = path;
	if (stk_policy_set_load(paths, 3, &set, &d)) {
		stk_diags_print(&d, stderr);
		fail_msg("the suggested rules do not load");
	}
	assert_int_equal(stk_whatif_draft_init(&draft, set->pols, set->n_pols, set->compiled), 0);
	/* Every complain-mode denial is now allowed; what was enforced stays. */
	for (i = 0, n = 0; i < fx.n; i++) {
		struct stk_whatif w;
		int rec = stk_outcome_recorded(&fx.recs[i]);

		assert_int_equal(stk_whatif_decide(&draft, &fx.recs[i], &w), 0);
		if (rec == STK_OUT_COMPLAIN) {
			assert_int_equal(w.outcome, STK_OUT_ALLOW);
			n++;
		} else {
			assert_int_equal(w.outcome, rec);
		}
	}
	assert_int_equal(n, 7);
	stk_whatif_draft_free(&draft);
	stk_policy_set_free(set);
	stk_diags_free(&d);
	json_object_put(pol);
	json_object_put(o);
	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_access_kinds_and_ids),
		cmocka_unit_test(test_suggestion_covers_the_log),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
