// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log_against.c - "stockade log --against": the recorded fixture log
 * replayed against the policies that recorded it (nothing changes, the
 * same rules decide) and against drafts (what would change), hooks that
 * cannot be replayed, and the printed forms.
 */
#include <errno.h>
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
#include "policy_load.h"

static struct stk_policy_set *load(const char *path)
{
	struct stk_diags d = {};
	struct stk_policy_set *s = NULL;
	char *p = (char *)path;

	if (stk_policy_set_load(&p, 1, &s, &d)) {
		stk_diags_print(&d, stderr);
		fail_msg("%s does not load", path);
	}
	stk_diags_free(&d);
	return s;
}

static void draft_of(const struct stk_policy_set *s, struct stk_whatif_draft *d)
{
	assert_int_equal(stk_whatif_draft_init(d, s->pols, s->n_pols, s->compiled), 0);
	assert_int_equal(d->n_each, s->n_pols);
}

static void replay(const char *draft, struct stk_whatif_stats *st, struct stk_whatif *each)
{
	struct stk_policy_set *s = load(draft);
	struct stk_whatif_draft d;
	size_t i;

	draft_of(s, &d);
	memset(st, 0, sizeof(*st));
	for (i = 0; i < fx.n; i++) {
		int rec = stk_outcome_recorded(&fx.recs[i]);

		assert_true(rec >= 0);
		assert_int_equal(stk_whatif_decide(&d, &fx.recs[i], &each[i]), 0);
		stk_whatif_stats_add(st, rec, each[i].outcome);
		/* The names must outlive the set for printing: copy what the test needs. */
		each[i].policy = strdup(each[i].policy);
		each[i].rule = strdup(each[i].rule);
	}
	stk_whatif_draft_free(&d);
	stk_policy_set_free(s);
}

static void free_each(struct stk_whatif *each)
{
	for (size_t i = 0; i < fx.n; i++) {
		free((char *)each[i].policy);
		free((char *)each[i].rule);
	}
}

static void test_recording_policies_reproduce_the_log(void **state)
{
	struct stk_whatif each[16];
	struct stk_whatif_stats st;
	size_t i;

	(void)state;
	replay(FIXTURES "policies", &st, each);
	assert_int_equal(st.replayed, 16);
	for (i = 0; i < fx.n; i++) {
		assert_int_equal(each[i].outcome, stk_outcome_recorded(&fx.recs[i]));
		assert_string_equal(each[i].policy, fx.recs[i].policy);
		assert_string_equal(each[i].rule, fx.recs[i].rule);
	}
	assert_int_equal(st.moves[STK_OUT_DENY][STK_OUT_DENY], 8);
	assert_int_equal(st.moves[STK_OUT_COMPLAIN][STK_OUT_COMPLAIN], 7);
	assert_int_equal(st.moves[STK_OUT_AUDIT][STK_OUT_AUDIT], 1);
	free_each(each);
}

static const struct stk_whatif *find(const struct stk_whatif *each, const char *path)
{
	for (size_t i = 0; i < fx.n; i++)
		if (!strcmp(fx.recs[i].path, path))
			return &each[i];
	fail_msg("no event for %s", path);
	return NULL;
}

static void test_draft_to_enforce(void **state)
{
	struct stk_whatif each[16];
	struct stk_whatif_stats st;
	const struct stk_whatif *w;

	(void)state;
	replay(FIXTURES "draft", &st, each);
	assert_int_equal(st.moves[STK_OUT_COMPLAIN][STK_OUT_ALLOW], 5);
	assert_int_equal(st.moves[STK_OUT_COMPLAIN][STK_OUT_DENY], 2);
	assert_int_equal(st.moves[STK_OUT_DENY][STK_OUT_DENY], 8);
	assert_int_equal(st.moves[STK_OUT_AUDIT][STK_OUT_AUDIT], 1);
	w = find(each, "/var/lib/nginx/proxy/0000000003");
	assert_int_equal(w->outcome, STK_OUT_DENY);
	assert_string_equal(w->policy, "hardening");
	assert_string_equal(w->rule, "var-lib-ro");
	w = find(each, "/home/alice/.profile");
	assert_int_equal(w->outcome, STK_OUT_DENY);
	assert_string_equal(w->rule, "no-home");
	/* Where all policies allow, the allow rule that matched is named. */
	w = find(each, "/etc/resolv.conf");
	assert_int_equal(w->outcome, STK_OUT_ALLOW);
	assert_string_equal(w->policy, "hardening");
	assert_string_equal(w->rule, "resolv");
	w = find(each, "/var/lib/nginx/body/0000000005");
	assert_int_equal(w->outcome, STK_OUT_ALLOW);
	assert_string_equal(w->rule, "nginx-body");
	/* read allowed, write denied: the most severe decides and names the rule. */
	w = find(each, "/srv/db/secrets/key.pem");
	assert_int_equal(w->outcome, STK_OUT_DENY);
	assert_string_equal(w->rule, "secrets-ro");
	free_each(each);
}

static void test_draft_without_baseline(void **state)
{
	struct stk_whatif each[16];
	struct stk_whatif_stats st;

	(void)state;
	replay(FIXTURES "draft/hardening.json", &st, each);
	assert_int_equal(st.moves[STK_OUT_DENY][STK_OUT_ALLOW], 8);
	assert_int_equal(st.moves[STK_OUT_AUDIT][STK_OUT_ALLOW], 1);
	assert_int_equal(st.moves[STK_OUT_COMPLAIN][STK_OUT_ALLOW], 5);
	assert_int_equal(st.moves[STK_OUT_COMPLAIN][STK_OUT_DENY], 2);
	/* No allow rule matched: the default decides. */
	assert_int_equal(find(each, "/etc/shadow")->outcome, STK_OUT_ALLOW);
	assert_string_equal(find(each, "/etc/shadow")->policy, "hardening");
	assert_string_equal(find(each, "/etc/shadow")->rule, "default");
	free_each(each);
}

static void test_unknown_hooks_and_unreplayable(void **state)
{
	struct stk_policy_set *s = load(FIXTURES "draft");
	struct stk_whatif_draft d;
	struct fixture fut;
	struct stk_whatif w;
	struct stk_log_rec r;
	static const char trunc[] =
		"{\"time\":\"2026-11-25T12:00:00Z\",\"action\":\"deny\",\"enforced\":true,"
		"\"hook\":\"file_open\",\"path\":\"/etc/sh\",\"path_truncated\":true,"
		"\"access\":[\"read\"]}";
	static const char rel[] =
		"{\"time\":\"2026-11-25T12:00:00Z\",\"action\":\"deny\",\"enforced\":true,"
		"\"hook\":\"file_open\",\"path\":\"etc/shadow\",\"access\":[\"read\"]}";

	(void)state;
	draft_of(s, &d);
	fixture_load(&fut, FIXTURES "future.log", false);
	assert_int_equal(fut.n, 2);
	assert_int_equal(stk_whatif_decide(&d, &fut.recs[0], &w), -EOPNOTSUPP);
	assert_int_equal(stk_whatif_decide(&d, &fut.recs[1], &w), 0);
	assert_int_equal(w.outcome, STK_OUT_DENY);
	fixture_free(&fut);
	assert_int_equal(stk_log_rec_parse(trunc, strlen(trunc), &r, NULL, 0), 0);
	assert_int_equal(stk_whatif_decide(&d, &r, &w), -EINVAL);
	stk_log_rec_clear(&r);
	assert_int_equal(stk_log_rec_parse(rel, strlen(rel), &r, NULL, 0), 0);
	assert_int_equal(stk_whatif_decide(&d, &r, &w), -EINVAL);
	stk_log_rec_clear(&r);
	stk_whatif_draft_free(&d);
	stk_policy_set_free(s);
}

static void test_printed(void **state)
{
	struct stk_whatif_stats st = {};
	struct stk_whatif w = { STK_OUT_ALLOW, "hardening", "nginx-body" };
	struct json_object *o, *wi, *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	st.moves[STK_OUT_COMPLAIN][STK_OUT_ALLOW] = 5;
	st.moves[STK_OUT_DENY][STK_OUT_ALLOW] = 1;
	st.moves[STK_OUT_DENY][STK_OUT_DENY] = 3;
	st.replayed = 9;
	st.unknown_hook = 2;
	f = open_memstream(&buf, &len);
	stk_whatif_stats_print(&st, f);
	stk_whatif_print_line(&fx.recs[3], STK_OUT_COMPLAIN, &w, f);
	fclose(f);
	assert_non_null(strstr(buf, "Replayed 9 events"));
	assert_non_null(strstr(buf, "  1 event that was denied would be allowed\n"));
	assert_non_null(strstr(buf, "  5 events that were denied in complain mode (allowed, logged) "
				    "would be allowed\n"));
	assert_non_null(strstr(buf, "  3 events unchanged\n"));
	assert_non_null(strstr(buf, "2 events of hooks that cannot be replayed yet"));
	assert_non_null(strstr(buf, "* deny (complain) -> allow"));
	assert_non_null(strstr(buf, "hardening/nginx-body"));
	free(buf);

	f = open_memstream(&buf, &len);
	stk_whatif_print_json(&fx.recs[3], STK_OUT_COMPLAIN, &w, f);
	fclose(f);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "path", &v));
	assert_string_equal(json_object_get_string(v), "/var/lib/nginx/body/0000000001");
	assert_true(json_object_object_get_ex(o, "whatif", &wi));
	assert_true(json_object_object_get_ex(wi, "draft", &v));
	assert_string_equal(json_object_get_string(v), "allow");
	assert_true(json_object_object_get_ex(wi, "recorded", &v));
	assert_string_equal(json_object_get_string(v), "deny (complain)");
	assert_true(json_object_object_get_ex(wi, "changed", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(o);
	free(buf);
	/* The record itself is left as it was. */
	assert_false(json_object_object_get_ex(fx.recs[3].obj, "whatif", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recording_policies_reproduce_the_log),
		cmocka_unit_test(test_draft_to_enforce),
		cmocka_unit_test(test_draft_without_baseline),
		cmocka_unit_test(test_unknown_hooks_and_unreplayable),
		cmocka_unit_test(test_printed),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
