/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_parse.c - the policy language: valid documents, every error and
 * warning at its exact position, many errors at once, the checks across
 * rules, and a generated 100,000-rule policy.
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

#include "network.h"
#include "parse_case.h"
#include "policy.h"

static const char demo[] =
	"{ \"stockade\": 1, \"name\": \"demo\", \"mode\": \"enforce\", \"alert\": false,\n"
	"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"no-shadow\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\", \"write\"], \"action\": \"deny\" },\n"
	"    { \"id\": \"ro-secrets\", \"paths\": [\"/srv/secrets/\"], \"access\": [\"write\"], \"action\": \"deny\", \"mode\": \"complain\" } ] } }\n";

static void valid_demo(void **state)
{
	const struct stk_file_rule *r;
	struct res res;

	(void)state;
	parse(&res, demo);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 0);
	assert_string_equal(res.p->file, "p.json");
	assert_string_equal(res.p->name, "demo");
	assert_int_equal(res.p->mode, STK_MODE_ENFORCE);
	assert_false(res.p->alert);
	assert_int_equal(res.p->files.def, STK_ACT_ALLOW);
	assert_int_equal(res.p->files.n_rules, 2);

	r = &res.p->files.rules[0];
	assert_string_equal(r->id, "no-shadow");
	assert_int_equal(r->n_paths, 1);
	assert_string_equal(r->paths[0], "/etc/shadow");
	assert_int_equal(r->path_pos[0].line, 3);
	assert_int_equal(r->path_pos[0].col, 36);
	assert_int_equal(r->access, STK_FACC_BIT(STK_FACC_READ) | STK_FACC_BIT(STK_FACC_WRITE));
	assert_int_equal(r->action, STK_ACT_DENY);
	assert_int_equal(r->mode, STK_MODE_INHERIT);
	assert_int_equal(r->pos.line, 3);
	assert_int_equal(r->pos.col, 5);

	r = &res.p->files.rules[1];
	assert_string_equal(r->id, "ro-secrets");
	assert_string_equal(r->paths[0], "/srv/secrets/");
	assert_int_equal(r->access, STK_FACC_BIT(STK_FACC_WRITE));
	assert_int_equal(r->action, STK_ACT_DENY);
	assert_int_equal(r->mode, STK_MODE_COMPLAIN);
	res_free(&res);
}

static void defaults_of_optional_keys(void **state)
{
	struct res res;

	(void)state;
	parse(&res, "{\"stockade\": 1, \"name\": \"min\"}");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 0);
	assert_int_equal(res.p->mode, STK_MODE_ENFORCE);
	assert_false(res.p->alert);
	assert_int_equal(res.p->files.def, STK_ACT_ALLOW);
	assert_int_equal(res.p->files.n_rules, 0);
	assert_null(res.p->files.rules);
	res_free(&res);

	parse(&res, "{\"stockade\": 1, \"name\": \"a.B_c-9\", \"mode\": \"complain\", \"alert\": true,"
		    " \"files\": {\"default\": \"deny\", \"rules\": []}}");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 0);
	assert_string_equal(res.p->name, "a.B_c-9");
	assert_int_equal(res.p->mode, STK_MODE_COMPLAIN);
	assert_true(res.p->alert);
	assert_int_equal(res.p->files.def, STK_ACT_DENY);
	res_free(&res);

	parse(&res, "{\"stockade\": 1, \"name\": \"x\", \"files\": {}}");
	assert_int_equal(res.r, 0);
	assert_int_equal(res.p->files.def, STK_ACT_ALLOW);
	res_free(&res);
}

static void every_access_and_action(void **state)
{
	static const char text[] =
		"{\"stockade\": 1, \"name\": \"x\", \"files\": {\"default\": \"deny\", \"rules\": [\n"
		" {\"id\": \"a\", \"paths\": [\"/a\", \"/b/\"], \"access\": [\"read\", \"write\","
		" \"create\", \"delete\", \"rename\", \"link\", \"attr\"], \"action\": \"allow\"},\n"
		" {\"id\": \"c\", \"paths\": [\"/\"], \"access\": [\"read\"], \"action\": \"audit\"},\n"
		" {\"id\": \"b\", \"paths\": [\"/c\"], \"access\": [\"attr\"], \"action\": \"audit\", \"mode\": \"enforce\"}]}}";
	struct res res;

	(void)state;
	parse(&res, text);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 0);
	assert_int_equal(res.p->files.rules[0].access, (1u << STK_FACC_FILES) - 1);
	assert_int_equal(res.p->files.rules[0].action, STK_ACT_ALLOW);
	assert_int_equal(res.p->files.rules[0].n_paths, 2);
	assert_string_equal(res.p->files.rules[0].paths[1], "/b/");
	assert_string_equal(res.p->files.rules[1].paths[0], "/");
	assert_int_equal(res.p->files.rules[2].access, STK_FACC_BIT(STK_FACC_ATTR));
	assert_int_equal(res.p->files.rules[2].action, STK_ACT_AUDIT);
	assert_int_equal(res.p->files.rules[2].mode, STK_MODE_ENFORCE);
	res_free(&res);
}

/* A document with exactly one diagnostic: it, at the @nth @needle. */
#define HEAD "{\"stockade\": 1, \"name\": \"t\",\n"
#define RULE(body) HEAD "\"files\": {\"rules\": [\n  " body "\n]}}"
#define OKR "\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\""

static const struct one_case top_cases[] = {
	{ "[1]", "[", 0, ERR, "wrong type for the policy: expected object, got array" },
	{ "{\"name\": \"t\"}", "{", 0, ERR, "missing required key 'stockade'" },
	{ "{\n \"stockade\": 1}", "{", 0, ERR, "missing required key 'name'" },
	{ HEAD "\"x\": 1}", "\"x\"", 0, ERR,
	  "unknown key 'x' (allowed: stockade, name, mode, alert, files, exec, capabilities, kernel, sockets, network, scope)" },
	{ "{\"stockade\": \"1\", \"name\": \"t\"}", "\"1\"", 0, ERR,
	  "wrong type for 'stockade': expected integer, got string" },
	{ "{\"stockade\": 1.0, \"name\": \"t\"}", "1.0", 0, ERR,
	  "wrong type for 'stockade': expected integer, got number" },
	{ "{\"stockade\": 2, \"name\": \"t\"}", "2", 0, ERR,
	  "unsupported policy version 2 (this version reads 1)" },
	{ "{\"stockade\": 0, \"name\": \"t\"}", "0", 0, ERR,
	  "unsupported policy version 0 (this version reads 1)" },
	{ "{\"stockade\": 18446744073709551615, \"name\": \"t\"}", "1844", 0, ERR,
	  "unsupported policy version 18446744073709551615 (this version reads 1)" },
	{ "{\"stockade\": 1, \"name\": \"\"}", "\"\"", 0, ERR, "policy name must not be empty" },
	{ "{\"stockade\": 1, \"name\": 7}", "7", 0, ERR,
	  "wrong type for policy name: expected string, got integer" },
	{ "{\"stockade\": 1, \"name\": \"a b\"}", "\"a b\"", 0, ERR,
	  "policy name 'a b' may contain only letters, digits, '.', '_' and '-'" },
	{ "{\"stockade\": 1, \"name\": \"a\\u0000b\"}", "\"a", 0, ERR,
	  "policy name 'a\\x00b' may contain only letters, digits, '.', '_' and '-'" },
	{ "{\"stockade\": 1, \"name\": \"x/\"}", "\"x/", 0, ERR,
	  "policy name 'x/' may contain only letters, digits, '.', '_' and '-'" },
	{ "{\"stockade\": 1, \"name\":\n"
	  "  \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	  "\"aaa", 0, ERR, "policy name is longer than 64 characters" },
	{ HEAD "\"mode\": \"audit\"}", "\"audit\"", 0, ERR,
	  "unknown mode 'audit' (expected enforce or complain)" },
	{ HEAD "\"mode\": null}", "null", 0, ERR, "wrong type for mode: expected string, got null" },
	{ HEAD "\"alert\": 1}", "1}", 0, ERR, "wrong type for 'alert': expected boolean, got integer" },
	{ HEAD "\"files\": []}", "[]", 0, ERR, "wrong type for 'files': expected object, got array" },
	{ HEAD "\"files\": {\"rule\": []}}", "\"rule\"", 0, ERR,
	  "unknown key 'rule' in 'files' (allowed: default, rules)" },
	{ HEAD "\"files\": {\"default\": \"audit\"}}", "\"audit\"", 0, ERR,
	  "unknown default 'audit' (expected allow or deny)" },
	{ HEAD "\"files\": {\"default\": \"Deny\"}}", "\"Deny\"", 0, ERR,
	  "unknown default 'Deny' (expected allow or deny)" },
	{ HEAD "\"files\": {\"rules\": {}}}", "{}", 0, ERR,
	  "wrong type for 'rules': expected array, got object" },
	{ HEAD "\"exec\": {\"deny_fileless\": 1}}", "1", 1, ERR,
	  "wrong type for 'deny_fileless': expected boolean, got integer" },
	{ HEAD "\"capabilities\": 1}", "1}", 0, ERR,
	  "wrong type for 'capabilities': expected object, got integer" },
	{ HEAD "\"kernel\": 1}", "1}", 0, ERR,
	  "wrong type for 'kernel': expected object, got integer" },
	{ HEAD "\"sockets\": 1}", "1}", 0, ERR,
	  "wrong type for 'sockets': expected object, got integer" },
	{ HEAD "\"scope\": 1}", "1}", 0, ERR,
	  "wrong type for 'scope': expected object, got integer" },
	{ HEAD "\"network\": 1}", "1}", 0, ERR,
	  "wrong type for 'network': expected object, got integer" },
	{ HEAD "\"name\": \"u\"}", "\"name\"", 1, ERR, "duplicate key 'name' (already at 1:17)" },
	{ HEAD "\"mode\" \"x\"}", "\"x\"", 0, ERR,
	  "invalid JSON: object property name separator ':' expected" },
	/* Unprintable bytes of user text are escaped in messages. */
	{ HEAD "\"a\\u001b[31mb\": 1}", "\"a", 0, ERR,
	  "unknown key 'a\\x1b[31mb' (allowed: stockade, name, mode, alert, files, exec, capabilities, kernel, sockets, network, scope)" },
};

static const struct one_case rule_cases[] = {
	{ RULE("7"), "7", 0, ERR, "wrong type for rules[0]: expected object, got integer" },
	{ RULE("{" OKR ", \"paths\": [\"/y\"]}"), "\"paths\"", 1, ERR,
	  "duplicate key 'paths' (already at 3:15)" },
	{ RULE("{" OKR ", \"why\": 1}"), "\"why\"", 0, ERR,
	  "unknown key 'why' in rules[0] (allowed: id, paths, access, action, mode, alert)" },
	{ RULE("{\"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"), "{\"paths", 0, ERR,
	  "missing required key 'id' in rules[0]" },
	{ RULE("{\"id\": \"r\", \"access\": [\"read\"], \"action\": \"deny\"}"), "{\"id", 0, ERR,
	  "missing required key 'paths' in rules[0]" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"action\": \"deny\"}"), "{\"id", 0, ERR,
	  "missing required key 'access' in rules[0]" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\"]}"), "{\"id", 0, ERR,
	  "missing required key 'action' in rules[0]" },
	{ RULE("{" OKR ", \"mode\": \"off\"}"), "\"off\"", 0, ERR,
	  "unknown mode 'off' (expected enforce or complain)" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"block\"}"),
	  "\"block\"", 0, ERR, "unknown action 'block' (expected allow, audit or deny)" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": [\"deny\"]}"),
	  "[\"deny\"]", 0, ERR, "wrong type for action: expected string, got array" },
	/* ids */
	{ RULE("{\"id\": \"r r\", \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"r r\"", 0, ERR, "rule id 'r r' may contain only letters, digits, '.', '_' and '-'" },
	{ RULE("{\"id\": \"\", \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"\"", 0, ERR, "rule id must not be empty" },
	{ RULE("{\"id\": 1, \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"), "1, \"paths", 0,
	  ERR, "wrong type for rule id: expected string, got integer" },
	{ RULE("{\"id\": \"default\", \"paths\": [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"default\"", 0, ERR, "rule id 'default' is reserved for the policy's default" },
	{ RULE("{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"paths\":"
	       " [\"/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"aaa", 0, ERR, "rule id is longer than 64 characters" },
	/* paths */
	{ RULE("{\"id\": \"r\", \"paths\": \"/x\", \"access\": [\"read\"], \"action\": \"deny\"}"), "\"/x\"",
	  0, ERR, "wrong type for 'paths': expected array, got string" },
	{ RULE("{\"id\": \"r\", \"paths\": [], \"access\": [\"read\"], \"action\": \"deny\"}"), "[]", 0,
	  ERR, "'paths' must not be empty" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\", true], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "true", 0, ERR, "wrong type for paths[1]: expected string, got boolean" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"etc/x\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"etc", 0, ERR, "path must be absolute: 'etc/x'" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"\"], \"access\": [\"read\"], \"action\": \"deny\"}"), "\"\"]",
	  0, ERR, "path must not be empty" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/a//b\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"/a//b", 0, ERR, "path must be normalised: '/a//b' contains '//'" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"//\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"//\"", 0, ERR, "path must be normalised: '//' contains '//'" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/a/./b\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"/a/.", 0, ERR, "path must be normalised: '/a/./b' contains a '.' component" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/a/..\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"/a/..", 0, ERR, "path must be normalised: '/a/..' contains a '..' component" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/../\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"/../", 0, ERR, "path must be normalised: '/../' contains a '..' component" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/a\\u0000b\"], \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"/a", 0, ERR, "path must not contain a NUL byte" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/1234567890123456789012345678901234567890123456789012345678901234/x\"],"
	       " \"access\": [\"read\"], \"action\": \"deny\"}"),
	  "\"/123", 0, ERR,
	  "path component '1234567890123456789012345678901234567890123456789012345678901234' is longer than 63 bytes" },
	/* access */
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": \"read\", \"action\": \"deny\"}"),
	  "\"read\"", 0, ERR, "wrong type for 'access': expected array, got string" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [], \"action\": \"deny\"}"), "[]", 0, ERR,
	  "'access' must not be empty" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\", \"exec\"], \"action\": \"deny\"}"),
	  "\"exec\"", 0, ERR,
	  "unknown access 'exec' (expected read, write, create, delete, rename, link or attr)" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [{}], \"action\": \"deny\"}"), "{}", 0,
	  ERR, "wrong type for access: expected string, got object" },
	{ RULE("{\"id\": \"r\", \"paths\": [\"/x\"], \"access\": [\"read\", \"write\", \"read\"], \"action\": \"deny\"}"),
	  "\"read\"", 1, WARN, "access 'read' is listed twice" },
};

static void top_level_errors(void **state)
{
	(void)state;
	RUN_CASES(top_cases);
}

static void rule_errors(void **state)
{
	(void)state;
	RUN_CASES(rule_cases);
}

static void long_paths(void **state)
{
	/* 4095 bytes is the longest path; 4096 is one too many. */
	char text[STK_PATH_MAX + 256];
	size_t n, i;
	struct res res;

	(void)state;
	for (n = STK_PATH_MAX - 1; n <= STK_PATH_MAX; n++) {
		char *o = stpcpy(text, RULE("{\"id\": \"r\", \"access\": [\"read\"], \"paths\": [\""));

		/* RULE() closed the document: cut that and put the path in. */
		o -= strlen("\n]}}");
		for (i = 0; i < n; i++)
			*o++ = i % 50 == 0 ? '/' : 'a';
		strcpy(o, "\"], \"action\": \"deny\"}\n]}}");
		parse(&res, text);
		if (n < STK_PATH_MAX) {
			assert_int_equal(res.r, 0);
			assert_int_equal(res.d.n, 0);
			assert_int_equal(strlen(res.p->files.rules[0].paths[0]), n);
		} else {
			assert_int_equal(res.r, -EINVAL);
			assert_int_equal(res.d.n, 1);
			expect_at(&res, 0, ERR, (struct stk_pos){ 3, 45 }, "path is longer than 4095 bytes");
			expect(&res, 0, ERR, "\"/aaa", 0, "path is longer than 4095 bytes");
		}
		res_free(&res);
	}
}

/* Everything wrong at once: every error, in the order of the text. */
static void many_errors_in_one_pass(void **state)
{
	static const char text[] =
		"{\"stockade\": 1, \"name\": \"bad name\", \"mode\": \"loud\", \"alert\": \"yes\",\n"
		" \"exec\": [], \"colour\": 3,\n"
		" \"files\": {\"default\": \"audit\", \"rules\": [\n"
		"  {\"id\": \"a\", \"paths\": [\"/ok\", \"rel\", \"/x/../y\"], \"access\": [\"read\", \"exec\"], \"action\": \"deny\"},\n"
		"  {\"id\": \"a\", \"paths\": [], \"access\": [\"read\"], \"action\": \"nope\"},\n"
		"  \"not a rule\",\n"
		"  {\"paths\": [\"/z\"]}\n"
		" ]}}";
	struct res res;

	(void)state;
	parse(&res, text);
	assert_int_equal(res.r, -EINVAL);
	expect_at(&res, 0, ERR, (struct stk_pos){ 1, 25 },
		  "policy name 'bad name' may contain only letters, digits, '.', '_' and '-'");
	expect_at(&res, 1, ERR, (struct stk_pos){ 1, 45 },
		  "unknown mode 'loud' (expected enforce or complain)");
	expect_at(&res, 2, ERR, (struct stk_pos){ 1, 62 },
		  "wrong type for 'alert': expected boolean, got string");
	expect_at(&res, 3, ERR, (struct stk_pos){ 2, 10 },
		  "wrong type for 'exec': expected object, got array");
	expect_at(&res, 4, ERR, (struct stk_pos){ 2, 14 },
		  "unknown key 'colour' (allowed: stockade, name, mode, alert, files, exec, capabilities, kernel, sockets, network, scope)");
	expect_at(&res, 5, ERR, (struct stk_pos){ 3, 23 },
		  "unknown default 'audit' (expected allow or deny)");
	expect_at(&res, 6, ERR, (struct stk_pos){ 4, 32 }, "path must be absolute: 'rel'");
	expect_at(&res, 7, ERR, (struct stk_pos){ 4, 39 },
		  "path must be normalised: '/x/../y' contains a '..' component");
	expect_at(&res, 8, ERR, (struct stk_pos){ 4, 70 },
		  "unknown access 'exec' (expected read, write, create, delete, rename, link or attr)");
	expect_at(&res, 9, ERR, (struct stk_pos){ 5, 10 }, "duplicate rule id 'a' (first used at 4:10)");
	expect_at(&res, 10, ERR, (struct stk_pos){ 5, 24 }, "'paths' must not be empty");
	expect_at(&res, 11, ERR, (struct stk_pos){ 5, 58 },
		  "unknown action 'nope' (expected allow, audit or deny)");
	expect_at(&res, 12, ERR, (struct stk_pos){ 6, 3 },
		  "wrong type for rules[2]: expected object, got string");
	expect_at(&res, 13, ERR, (struct stk_pos){ 7, 3 }, "missing required key 'id' in rules[3]");
	expect_at(&res, 14, ERR, (struct stk_pos){ 7, 3 }, "missing required key 'access' in rules[3]");
	expect_at(&res, 15, ERR, (struct stk_pos){ 7, 3 }, "missing required key 'action' in rules[3]");
	assert_int_equal(res.d.n, 16);
	assert_int_equal(res.d.n_errors, 16);
	res_free(&res);
}

/* Another version's document gets one error, not a list of v1 complaints. */
static void other_version_stops_there(void **state)
{
	struct res res;

	(void)state;
	parse(&res, "{\"name\": 5, \"exec\": {}, \"stockade\": 2, \"files\": []}");
	assert_int_equal(res.r, -EINVAL);
	assert_int_equal(res.d.n, 1);
	expect(&res, 0, ERR, "2", 0, "unsupported policy version 2 (this version reads 1)");
	res_free(&res);
}

static void json_errors_come_through(void **state)
{
	struct res res;

	(void)state;
	parse(&res, "{\"stockade\": 1,\n \"name\": \"x\",\n}");
	assert_int_equal(res.r, -EINVAL);
	assert_int_equal(res.d.n, 1);
	expect_at(&res, 0, ERR, (struct stk_pos){ 3, 1 }, "invalid JSON: unexpected character");
	res_free(&res);

	parse(&res, "");
	assert_int_equal(res.r, -EINVAL);
	expect_at(&res, 0, ERR, (struct stk_pos){ 1, 1 }, "invalid JSON: empty document");
	res_free(&res);
}

#define RULES(body) HEAD "\"files\": {\"rules\": [\n" body "]}}"

static void conflicts_and_redundancy(void **state)
{
	static const char conflict[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\", \"write\"], \"action\": \"deny\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/x\", \"/etc/shadow\"], \"access\": [\"write\", \"attr\"], \"action\": \"allow\"}\n");
	static const char different_kinds[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/etc\"], \"access\": [\"read\"], \"action\": \"deny\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/etc/\"], \"access\": [\"read\"], \"action\": \"audit\"},\n"
		"{\"id\": \"c\", \"paths\": [\"/etc\"], \"access\": [\"write\"], \"action\": \"audit\"}\n");
	static const char same_action[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/s/\"], \"access\": [\"read\", \"write\"], \"action\": \"deny\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/s/\"], \"access\": [\"write\", \"delete\"], \"action\": \"deny\"}\n");
	static const char mode_differs[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/s\"], \"access\": [\"read\"], \"action\": \"deny\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/s\"], \"access\": [\"read\"], \"action\": \"deny\", \"mode\": \"complain\"}\n");
	static const char twice_in_rule[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/s\", \"/t\", \"/s\"], \"access\": [\"read\"], \"action\": \"deny\"}\n");
	static const char three[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/p\"], \"access\": [\"read\"], \"action\": \"audit\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/p\"], \"access\": [\"read\"], \"action\": \"deny\"},\n"
		"{\"id\": \"c\", \"paths\": [\"/p\"], \"access\": [\"read\"], \"action\": \"deny\"}\n");
	struct res res;

	(void)state;
	parse(&res, conflict);
	assert_int_equal(res.r, -EINVAL);
	assert_int_equal(res.d.n, 2);
	/* "/x" is allowed by default anyway: said, and it does not hide the error. */
	expect(&res, 0, WARN, "\"/x\"", 0,
	       "rule 'b' changes nothing on '/x': it gets 'allow' from the policy's default anyway");
	expect_at(&res, 1, ERR, (struct stk_pos){ 4, 29 },
		  "rule 'b' conflicts with rule 'a' at 3:23: write on '/etc/shadow' is 'deny' there and 'allow' here");
	res_free(&res);

	/* "/etc" and "/etc/" are different rules (file, subtree); no overlap in access. */
	parse(&res, different_kinds);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 0);
	res_free(&res);

	parse(&res, same_action);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 1);
	expect(&res, 0, WARN, "\"/s/\"", 1,
	       "rule 'b' is redundant: rule 'a' at 3:23 already says 'deny' for write on '/s/'");
	res_free(&res);

	parse(&res, mode_differs);
	assert_int_equal(res.r, -EINVAL);
	assert_int_equal(res.d.n, 1);
	expect(&res, 0, ERR, "\"/s\"", 1,
	       "rule 'b' conflicts with rule 'a' at 3:23: read on '/s' is 'deny' there and 'deny (complain)' here");
	res_free(&res);

	parse(&res, twice_in_rule);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 1);
	expect(&res, 0, WARN, "\"/s\"", 1, "path '/s' is listed twice in rule 'a'");
	res_free(&res);

	/* Each later rule is compared with the earliest it disagrees with. */
	parse(&res, three);
	assert_int_equal(res.r, -EINVAL);
	assert_int_equal(res.d.n, 2);
	expect(&res, 0, ERR, "\"/p\"", 1,
	       "rule 'b' conflicts with rule 'a' at 3:23: read on '/p' is 'audit' there and 'deny' here");
	expect(&res, 1, ERR, "\"/p\"", 2,
	       "rule 'c' conflicts with rule 'a' at 3:23: read on '/p' is 'audit' there and 'deny' here");
	res_free(&res);
}

static void rules_that_change_nothing(void **state)
{
	static const char allow_under_allow[] = RULES(
		"{\"id\": \"a\", \"paths\": [\"/srv/\", \"/opt\"], \"access\": [\"read\"], \"action\": \"allow\"}\n");
	static const char allow_under_deny[] = RULES(
		"{\"id\": \"d\", \"paths\": [\"/srv/\"], \"access\": [\"read\", \"write\"], \"action\": \"deny\"},\n"
		"{\"id\": \"a\", \"paths\": [\"/srv/pub/\"], \"access\": [\"read\"], \"action\": \"allow\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/srv/pub/x/\"], \"access\": [\"read\"], \"action\": \"allow\"},\n"
		"{\"id\": \"c\", \"paths\": [\"/srv/y\"], \"access\": [\"read\", \"write\"], \"action\": \"deny\"},\n"
		"{\"id\": \"e\", \"paths\": [\"/srv/pub/z\"], \"access\": [\"read\", \"write\"], \"action\": \"allow\"}\n");
	static const char deny_default[] = HEAD
		"\"files\": {\"default\": \"deny\", \"rules\": [\n"
		"{\"id\": \"a\", \"paths\": [\"/usr/\"], \"access\": [\"read\"], \"action\": \"allow\"},\n"
		"{\"id\": \"b\", \"paths\": [\"/tmp/\"], \"access\": [\"read\"], \"action\": \"deny\"},\n"
		"{\"id\": \"c\", \"paths\": [\"/tmp/\"], \"access\": [\"write\"], \"action\": \"deny\", \"mode\": \"complain\"}\n"
		"]}}";
	static const char two_sources[] = RULES(
		"{\"id\": \"r\", \"paths\": [\"/a/\"], \"access\": [\"read\"], \"action\": \"deny\"},\n"
		"{\"id\": \"w\", \"paths\": [\"/a/b/\"], \"access\": [\"write\"], \"action\": \"deny\"},\n"
		"{\"id\": \"rw\", \"paths\": [\"/a/b/c\"], \"access\": [\"read\", \"write\"], \"action\": \"deny\"}\n");
	struct res res;

	(void)state;
	parse(&res, two_sources);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 1);
	expect(&res, 0, WARN, "\"/a/b/c\"", 0,
	       "rule 'rw' changes nothing on '/a/b/c': it gets 'deny' from the rules above it anyway");
	res_free(&res);

	parse(&res, allow_under_allow);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 2);
	expect(&res, 0, WARN, "\"/srv/\"", 0,
	       "rule 'a' changes nothing on '/srv/': it gets 'allow' from the policy's default anyway");
	expect(&res, 1, WARN, "\"/opt\"", 0,
	       "rule 'a' changes nothing on '/opt': it gets 'allow' from the policy's default anyway");
	res_free(&res);

	/*
	 * a and e matter (they open holes in d), c says what d says: no effect;
	 * b says what a says: no effect.
	 */
	parse(&res, allow_under_deny);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 2);
	expect(&res, 0, WARN, "\"/srv/pub/x/\"", 0,
	       "rule 'b' changes nothing on '/srv/pub/x/': it gets 'allow' from rule 'a' at 4:23 anyway");
	expect(&res, 1, WARN, "\"/srv/y\"", 0,
	       "rule 'c' changes nothing on '/srv/y': it gets 'deny' from rule 'd' at 3:23 anyway");
	res_free(&res);

	/* Under default deny, allow matters and deny does not; complain deny does. */
	parse(&res, deny_default);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 1);
	expect(&res, 0, WARN, "\"/tmp/\"", 0,
	       "rule 'b' changes nothing on '/tmp/': it gets 'deny' from the policy's default anyway");
	res_free(&res);
}

static void bad_arguments(void **state)
{
	struct stk_policy *p = NULL;
	struct stk_diags d = { 0 };

	(void)state;
	assert_int_equal(stk_policy_parse("f", "{}", 2, NULL, &d), -EINVAL);
	assert_int_equal(stk_policy_parse("f", "{}", 2, &p, NULL), -EINVAL);
	assert_int_equal(stk_policy_parse("f", NULL, 2, &p, &d), -EINVAL);
	assert_null(p);
	assert_int_equal(d.n, 0);
	/* No file name: diagnostics still say something. */
	assert_int_equal(stk_policy_parse(NULL, "{}", 2, &p, &d), -EINVAL);
	assert_string_equal(d.v[0].file, "<input>");
	stk_diags_free(&d);
	stk_policy_free(NULL);
}

/* A generated policy of 100,000 rules: parses without a word, and compiles. */
static void hundred_thousand_rules(void **state)
{
	const size_t n = 100000;
	size_t cap = n * 140 + 200, len, i;
	char *text = malloc(cap);
	struct stk_compiled *c = NULL;
	struct stk_decision dec;
	struct res res;

	(void)state;
	assert_non_null(text);
	len = (size_t)snprintf(text, cap,
			       "{\"stockade\": 1, \"name\": \"big\", \"files\": {\"default\": \"allow\", \"rules\": [\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"{\"id\": \"r%zu\", \"paths\": [\"/srv/d%zu/f%zu%s\"], \"access\":"
					" [\"write\"], \"action\": \"%s\"}%s\n",
					i, i % 1000, i, i % 3 ? "" : "/", i % 2 ? "deny" : "audit",
					i + 1 < n ? "," : "");
	len += (size_t)snprintf(text + len, cap - len, "]}}\n");
	assert_true(len < cap);

	parse(&res, text);
	assert_int_equal(res.r, 0);
	assert_int_equal(res.d.n, 0);
	assert_int_equal(res.p->files.n_rules, n);
	assert_string_equal(res.p->files.rules[n - 1].id, "r99999");
	assert_string_equal(res.p->files.rules[99999].paths[0], "/srv/d999/f99999/");
	assert_int_equal(res.p->files.rules[n - 1].path_pos[0].line, (int)n + 1);

	assert_int_equal(stk_compile(&res.p, 1, &c, &res.d), 0);
	assert_int_equal(c->n_paths, n);
	assert_int_equal(c->n_rules, n + 1);
	assert_int_equal(stk_explain_file(c, "/srv/d7/f12007", STK_FACC_WRITE, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_string_equal(c->rules[dec.rule].id, "r12007");
	assert_int_equal(stk_explain_file(c, "/srv/d999/f99999/deep/er", STK_FACC_WRITE, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_string_equal(c->rules[dec.rule].id, "r99999");
	assert_int_equal(stk_explain_file(c, "/srv/d0/f0/x", STK_FACC_WRITE, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_AUDIT);
	assert_int_equal(stk_explain_file(c, "/srv/d0/f0", STK_FACC_READ, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	assert_string_equal(c->rules[dec.rule].id, "default");
	assert_int_equal(res.d.n, 0);

	stk_compiled_free(c);
	res_free(&res);
	free(text);
}

/*
 * What the agent drops once the kernel holds the policy: the rules go, the
 * counts, names and defaults status and events read stay, and the rule
 * names events use live on in the compiled table.
 */
static void dropped_after_load(void **state)
{
	static const char text[] =
		"{ \"stockade\": 1, \"name\": \"d\",\n"
		"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		"    { \"id\": \"f1\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\"], \"action\": \"deny\" } ] },\n"
		"  \"exec\": { \"default\": \"allow\", \"rules\": [\n"
		"    { \"id\": \"x1\", \"paths\": [\"/usr/bin/nc\"], \"action\": \"deny\" } ] },\n"
		"  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [\n"
		"    { \"id\": \"c1\", \"cidrs\": [\"10.0.0.0/8\"], \"action\": \"deny\" } ] } } }\n";
	struct stk_compiled *c = NULL;
	struct res res;
	size_t i;

	(void)state;
	parse(&res, text);
	assert_int_equal(res.r, 0);
	assert_int_equal(stk_compile(&res.p, 1, &c, &res.d), 0);
	assert_true(c->net->n_v4 > 0);

	stk_compiled_drop_net(c);
	assert_true(c->net->present);
	assert_null(c->net->v4);
	assert_int_equal(c->net->n_v4 + c->net->n_v6 + c->net->n_classes + c->net->n_segs, 0);
	stk_policy_drop_rules(res.p);
	assert_null(res.p->files.rules);
	assert_null(res.p->exec.rules);
	assert_null(res.p->network.dir[STK_NET_CONNECT].rules);
	assert_int_equal(res.p->files.n_rules, 1);
	assert_int_equal(res.p->exec.n_rules, 1);
	assert_int_equal(res.p->network.dir[STK_NET_CONNECT].n_rules, 1);
	assert_string_equal(res.p->name, "d");
	assert_string_equal(res.p->file, "p.json");
	for (i = 0; i < c->n_rules && strcmp(c->rules[i].id, "c1"); i++)
		;
	assert_true(i < c->n_rules);
	assert_string_equal(c->rules[i].policy, "d");
	/* Dropping twice is harmless; freeing after dropping frees the rest. */
	stk_policy_drop_rules(res.p);
	stk_compiled_drop_net(c);
	stk_compiled_free(c);
	res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_demo),
		cmocka_unit_test(defaults_of_optional_keys),
		cmocka_unit_test(every_access_and_action),
		cmocka_unit_test(top_level_errors),
		cmocka_unit_test(rule_errors),
		cmocka_unit_test(long_paths),
		cmocka_unit_test(many_errors_in_one_pass),
		cmocka_unit_test(other_version_stops_there),
		cmocka_unit_test(json_errors_come_through),
		cmocka_unit_test(conflicts_and_redundancy),
		cmocka_unit_test(rules_that_change_nothing),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(hundred_thousand_rules),
		cmocka_unit_test(dropped_after_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
