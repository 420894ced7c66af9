// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_alert.c - "alert": true on a policy or a rule: parsed, checked with
 * positions, and carried to every rule of the compiled table it marks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

static const char rules_marked[] =
	"{ \"stockade\": 1, \"name\": \"p\",\n"
	"  \"files\": { \"rules\": [\n"
	"    { \"id\": \"loud\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\"],\n"
	"      \"action\": \"deny\", \"alert\": true },\n"
	"    { \"id\": \"quiet\", \"paths\": [\"/etc/gshadow\"], \"access\": [\"read\"],\n"
	"      \"action\": \"deny\", \"alert\": false } ] },\n"
	"  \"exec\": { \"rules\": [ { \"id\": \"x\", \"paths\": [\"/tmp/\"], \"action\": \"deny\",\n"
	"      \"alert\": true } ] },\n"
	"  \"network\": { \"connect\": { \"rules\": [ { \"id\": \"n\", \"cidrs\": [\"10.0.0.0/8\"],\n"
	"      \"action\": \"deny\", \"alert\": true } ] } },\n"
	"  \"capabilities\": { \"deny\": [\"CAP_SYS_MODULE\"] } }\n";

static const char policy_marked[] =
	"{ \"stockade\": 1, \"name\": \"q\", \"alert\": true,\n"
	"  \"files\": { \"rules\": [ { \"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\"],\n"
	"      \"action\": \"audit\" } ] },\n"
	"  \"kernel\": { \"deny\": [\"module_load\"] } }\n";

static struct stk_compiled *compile(const char *text, struct stk_policy **ret_p)
{
	struct stk_diags d = {};
	struct stk_compiled *c = NULL;

	if (stk_policy_parse("t.json", text, strlen(text), ret_p, &d)) {
		stk_diags_print(&d, stderr);
		fail_msg("parse failed");
	}
	if (stk_compile(ret_p, 1, &c, &d)) {
		stk_diags_print(&d, stderr);
		fail_msg("compile failed");
	}
	stk_diags_free(&d);
	return c;
}

static int find(const struct stk_compiled *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n_rules; i++)
		if (!strcmp(c->rules[i].id, id))
			return (int)i;
	fail_msg("no rule %s", id);
	return -1;
}

static void rule_marks_reach_the_table(void **state)
{
	struct stk_policy *p;
	struct stk_compiled *c = compile(rules_marked, &p);

	(void)state;
	assert_true(c->rules[find(c, "loud")].alert);
	assert_false(c->rules[find(c, "quiet")].alert);
	assert_true(c->rules[find(c, "x")].alert);
	assert_true(c->rules[find(c, "n")].alert);
	assert_false(c->rules[find(c, "CAP_SYS_MODULE")].alert);
	assert_false(c->rules[find(c, "default")].alert);
	stk_compiled_free(c);
	stk_policy_free(p);
}

static void policy_mark_covers_every_rule(void **state)
{
	struct stk_policy *p;
	struct stk_compiled *c = compile(policy_marked, &p);
	size_t i;

	(void)state;
	assert_true(c->n_rules >= 3);
	for (i = 0; i < c->n_rules; i++)
		assert_true(c->rules[i].alert);
	stk_compiled_free(c);
	stk_policy_free(p);
}

static void wrong_type_has_a_position(void **state)
{
	static const char bad[] =
		"{ \"stockade\": 1, \"name\": \"p\",\n"
		"  \"files\": { \"rules\": [ { \"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\"],\n"
		"      \"action\": \"deny\", \"alert\": \"yes\" } ] } }\n";
	struct stk_diags d = {};
	struct stk_policy *p = NULL;

	(void)state;
	assert_int_equal(stk_policy_parse("bad.json", bad, strlen(bad), &p, &d), -EINVAL);
	assert_null(p);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].file, "bad.json");
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[0].col, 34); /* the value */
	assert_string_equal(d.v[0].msg, "wrong type for 'alert': expected boolean, got string");
	stk_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_marks_reach_the_table),
		cmocka_unit_test(policy_mark_covers_every_rule),
		cmocka_unit_test(wrong_type_has_a_position),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
