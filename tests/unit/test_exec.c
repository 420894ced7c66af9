/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_exec.c - the "exec" section: parsing, its errors at their
 * positions, and how it compiles into the file table as the access kind
 * exec (defaults, longest match, rule table order, deny_fileless).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

#define EXEC_BIT STK_FACC_BIT(STK_FACC_EXEC)
#define HEAD "{\"stockade\": 1, \"name\": \"t\",\n"

static struct stk_policy *parse_ok(const char *text)
{
	struct stk_policy *p = NULL;
	struct stk_diags d = { 0 };

	if (stk_policy_parse("p.json", text, strlen(text), &p, &d) != 0) {
		stk_diags_print(&d, stderr);
		fail_msg("policy did not parse");
	}
	assert_int_equal(d.n, 0);
	stk_diags_free(&d);
	return p;
}

/* Line and column of the @nth (0-based) occurrence of @needle in @text. */
static void find(const char *text, const char *needle, int nth, int *line, int *col)
{
	const char *s = text, *q, *line_start = text;

	for (;; nth--, s++) {
		s = strstr(s, needle);
		if (!s)
			fail_msg("'%s' not in the text", needle);
		if (nth == 0)
			break;
	}
	*line = 1;
	for (q = text; q < s; q++) {
		if (*q == '\n') {
			(*line)++;
			line_start = q + 1;
		}
	}
	*col = (int)(s - line_start) + 1;
}

/* The text has errors; the first is @msg at the @nth @needle. */
static void parse_err(const char *text, const char *needle, int nth, const char *msg)
{
	struct stk_policy *p = NULL;
	struct stk_diags d = { 0 };
	int line, col;

	find(text, needle, nth, &line, &col);

	assert_int_equal(stk_policy_parse("p.json", text, strlen(text), &p, &d), -EINVAL);
	assert_null(p);
	assert_true(d.n_errors >= 1);
	if (d.v[0].line != line || d.v[0].col != col || strcmp(d.v[0].msg, msg) != 0)
		fail_msg("got %d:%d '%s', want %d:%d '%s'", d.v[0].line, d.v[0].col, d.v[0].msg,
			 line, col, msg);
	stk_diags_free(&d);
}

static void valid_section(void **state)
{
	struct stk_policy *p;

	(void)state;
	p = parse_ok(HEAD "\"exec\": {\"default\": \"deny\", \"deny_fileless\": true, \"rules\": [\n"
			  " {\"id\": \"bins\", \"paths\": [\"/usr/bin/\", \"/usr/sbin/nginx\"], "
			  "\"action\": \"allow\"},\n"
			  " {\"id\": \"su\", \"paths\": [\"/usr/bin/su\"], \"action\": \"deny\", "
			  "\"mode\": \"complain\"}]}}");
	assert_int_equal(p->exec.def, STK_ACT_DENY);
	assert_true(p->exec.deny_fileless);
	assert_int_equal(p->exec.n_rules, 2);
	assert_string_equal(p->exec.rules[0].id, "bins");
	assert_int_equal(p->exec.rules[0].access, EXEC_BIT);
	assert_int_equal(p->exec.rules[0].n_paths, 2);
	assert_string_equal(p->exec.rules[0].paths[1], "/usr/sbin/nginx");
	assert_int_equal(p->exec.rules[1].action, STK_ACT_DENY);
	assert_int_equal(p->exec.rules[1].mode, STK_MODE_COMPLAIN);
	assert_int_equal(p->exec.rules[1].pos.line, 4);
	/* Files keep their own default. */
	assert_int_equal(p->files.def, STK_ACT_ALLOW);
	stk_policy_free(p);

	/* Without the section, everything may run. */
	p = parse_ok(HEAD "\"exec\": {}}");
	assert_int_equal(p->exec.def, STK_ACT_ALLOW);
	assert_false(p->exec.deny_fileless);
	assert_int_equal(p->exec.n_rules, 0);
	stk_policy_free(p);
}

static void errors_at_their_positions(void **state)
{
	(void)state;
	parse_err(HEAD "\"exec\": {\"colour\": 1}}", "\"colour\"", 0,
		  "unknown key 'colour' in 'exec' (allowed: default, rules, deny_fileless)");
	parse_err(HEAD "\"exec\": {\"default\": \"audit\"}}", "\"audit\"", 0,
		  "unknown default 'audit' (expected allow or deny)");
	parse_err(HEAD "\"exec\": {\"deny_fileless\": \"yes\"}}", "\"yes\"", 0,
		  "wrong type for 'deny_fileless': expected boolean, got string");
	parse_err(HEAD "\"exec\": {\"rules\": {}}}", "{}", 0,
		  "wrong type for 'rules': expected array, got object");
	/* An exec rule has no access list: exec is what it is about. */
	parse_err(HEAD "\"exec\": {\"rules\": [{\"id\": \"r\", \"paths\": [\"/x\"], "
		       "\"access\": [\"read\"], \"action\": \"deny\"}]}}",
		  "\"access\"", 0, "unknown key 'access' in rules[0] (allowed: id, paths, action, mode, alert)");
	parse_err(HEAD "\"exec\": {\"rules\": [{\"id\": \"r\", \"paths\": [\"x\"], "
		       "\"action\": \"deny\"}]}}",
		  "\"x\"", 0, "path must be absolute: 'x'");
	parse_err(HEAD "\"exec\": {\"rules\": [{\"id\": \"r\", \"action\": \"deny\"}]}}", "{\"id", 0,
		  "missing required key 'paths' in rules[0]");
	/* And "exec" is not a file access kind. */
	parse_err(HEAD "\"files\": {\"rules\": [{\"id\": \"r\", \"paths\": [\"/x\"], "
		       "\"access\": [\"exec\"], \"action\": \"deny\"}]}}",
		  "\"exec\"", 0, "unknown access 'exec' (expected read, write, create, delete, rename, link or attr)");
}

static void ids_unique_across_sections(void **state)
{
	(void)state;
	parse_err(HEAD "\"files\": {\"rules\": [{\"id\": \"a\", \"paths\": [\"/x\"], "
		       "\"access\": [\"read\"], \"action\": \"deny\"}]},\n"
		       "\"exec\": {\"rules\": [{\"id\": \"a\", \"paths\": [\"/y\"], "
		       "\"action\": \"deny\"}]}}",
		  "\"a\"", 1, "duplicate rule id 'a' (also used by a files rule)");
	parse_err(HEAD "\"exec\": {\"rules\": [\n"
		       "{\"id\": \"a\", \"paths\": [\"/x\"], \"action\": \"deny\"},\n"
		       "{\"id\": \"a\", \"paths\": [\"/y\"], \"action\": \"deny\"}]}}",
		  "\"a\"", 1, "duplicate rule id 'a' (first used at 3:8)");
	/* Two exec rules at one path with different actions contradict. */
	{
		struct stk_policy *p = NULL;
		struct stk_diags d = { 0 };
		static const char text[] =
			HEAD "\"exec\": {\"rules\": [\n"
			     "{\"id\": \"a\", \"paths\": [\"/x\"], \"action\": \"deny\"},\n"
			     "{\"id\": \"b\", \"paths\": [\"/x\"], \"action\": \"allow\"}]}}";

		stk_policy_parse("p.json", text, strlen(text), &p, &d);
		assert_true(d.n >= 1);
		assert_non_null(strstr(d.v[0].msg, "exec"));
		stk_policy_free(p);
		stk_diags_free(&d);
	}
}

static struct stk_decision explain(const struct stk_compiled *c, const char *path, int acc)
{
	struct stk_decision dec;

	assert_int_equal(stk_explain_file(c, path, acc, &dec), 0);
	return dec;
}

static void compiles_as_the_exec_kind(void **state)
{
	struct stk_policy *p;
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };
	struct stk_decision dec;

	(void)state;
	p = parse_ok(HEAD "\"files\": {\"default\": \"allow\", \"rules\": [\n"
			  " {\"id\": \"f\", \"paths\": [\"/usr/bin/\"], \"access\": [\"write\"], "
			  "\"action\": \"deny\"}]},\n"
			  "\"exec\": {\"default\": \"deny\", \"deny_fileless\": true, \"rules\": [\n"
			  " {\"id\": \"bins\", \"paths\": [\"/usr/bin/\"], \"action\": \"allow\"},\n"
			  " {\"id\": \"no-su\", \"paths\": [\"/usr/bin/su\"], \"action\": \"deny\"}]}}");
	assert_int_equal(stk_compile(&p, 1, &c, &d), 0);
	/* Rule table: the default, the file rules, then the exec rules. */
	assert_int_equal(c->n_rules, 4);
	assert_string_equal(c->rules[0].id, "default");
	assert_string_equal(c->rules[1].id, "f");
	assert_string_equal(c->rules[2].id, "bins");
	assert_string_equal(c->rules[3].id, "no-su");

	dec = explain(c, "/usr/bin/ls", STK_FACC_EXEC);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	assert_int_equal(dec.rule, 2);
	dec = explain(c, "/usr/bin/su", STK_FACC_EXEC);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_int_equal(dec.rule, 3);
	/* Outside every rule: the exec default for exec, the files default for the rest. */
	dec = explain(c, "/tmp/x", STK_FACC_EXEC);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_int_equal(dec.rule, 0);
	dec = explain(c, "/tmp/x", STK_FACC_READ);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	/* The same path, other kinds: the file rule and the files default. */
	dec = explain(c, "/usr/bin/su", STK_FACC_WRITE);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_int_equal(dec.rule, 1);
	dec = explain(c, "/usr/bin/su", STK_FACC_READ);
	assert_int_equal(dec.action, STK_ACT_ALLOW);

	assert_int_equal(c->file_default.action[STK_FACC_EXEC], STK_ACT_DENY);
	assert_int_equal(c->file_default.action[STK_FACC_READ], STK_ACT_ALLOW);
	assert_int_equal(c->exec_flags, STK_EXECF_DENY_FILELESS);
	assert_int_equal(c->fileless_action, STK_ACT_DENY);
	assert_int_equal(c->fileless_rule, 0);
	stk_compiled_free(c);
	stk_policy_free(p);
}

static void fileless_combines_across_policies(void **state)
{
	struct stk_policy *p[2];
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };

	(void)state;
	p[0] = parse_ok("{\"stockade\": 1, \"name\": \"a\", \"files\": {\"rules\": [{\"id\": \"r\", "
			"\"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}]}}");
	p[1] = parse_ok("{\"stockade\": 1, \"name\": \"b\", \"mode\": \"complain\", "
			"\"exec\": {\"deny_fileless\": true}}");
	assert_int_equal(stk_compile(p, 2, &c, &d), 0);
	/* Only a complain-mode policy asks: logged, not enforced, named by its default. */
	assert_int_equal(c->exec_flags, STK_EXECF_DENY_FILELESS);
	assert_int_equal(c->fileless_action, STK_ACT_DENY | STK_ACT_COMPLAIN);
	assert_int_equal(c->fileless_rule, 2);
	assert_string_equal(c->rules[2].policy, "b");
	stk_compiled_free(c);

	/* Neither asks: off. */
	p[1]->exec.deny_fileless = false;
	assert_int_equal(stk_compile(p, 2, &c, &d), 0);
	assert_int_equal(c->exec_flags, 0);
	assert_int_equal(c->fileless_rule, STK_RULE_NONE);
	stk_compiled_free(c);
	stk_policy_free(p[0]);
	stk_policy_free(p[1]);
}

/* 10,000 exec rules parse, compile and answer like a handful. */
static void ten_thousand_rules(void **state)
{
	enum { N = 10000 };
	size_t cap = 128 + (size_t)N * 80, o;
	char *text = malloc(cap);
	struct stk_policy *p;
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };
	struct stk_decision dec;
	int i;

	(void)state;
	assert_non_null(text);
	o = (size_t)snprintf(text, cap, HEAD "\"exec\": {\"default\": \"deny\", \"rules\": [\n");
	for (i = 0; i < N; i++)
		o += (size_t)snprintf(text + o, cap - o,
				      "{\"id\": \"r%d\", \"paths\": [\"/opt/app%d/bin/\"], "
				      "\"action\": \"%s\"}%s\n",
				      i, i, i % 2 ? "audit" : "allow", i + 1 < N ? "," : "");
	snprintf(text + o, cap - o, "]}}");
	p = parse_ok(text);
	assert_int_equal(p->exec.n_rules, N);
	assert_int_equal(stk_compile(&p, 1, &c, &d), 0);
	assert_int_equal(c->n_paths, N);
	dec = explain(c, "/opt/app9998/bin/tool", STK_FACC_EXEC);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	assert_string_equal(c->rules[dec.rule].id, "r9998");
	dec = explain(c, "/opt/app9999/bin/tool", STK_FACC_EXEC);
	assert_int_equal(dec.action, STK_ACT_AUDIT);
	assert_string_equal(c->rules[dec.rule].id, "r9999");
	dec = explain(c, "/opt/other", STK_FACC_EXEC);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_string_equal(c->rules[dec.rule].id, "default");
	stk_compiled_free(c);
	stk_policy_free(p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_section),
		cmocka_unit_test(errors_at_their_positions),
		cmocka_unit_test(ids_unique_across_sections),
		cmocka_unit_test(compiles_as_the_exec_kind),
		cmocka_unit_test(fileless_combines_across_policies),
		cmocka_unit_test(ten_thousand_rules),
	};

	return cmocka_run_group_tests_name("exec", tests, NULL, NULL);
}
