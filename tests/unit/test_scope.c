/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_scope.c - the "scope" section: parsing and validation with
 * positions, the glob automaton (the code the kernel runs too, checked
 * against a plain recursive matcher), the cgroup -> scope choice (nearer
 * ancestor wins, ties), and compiling one table per scope.
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
#include "policy.h"
#include "stk_glob.h"

/*
 * The reference: "*" any run without '/', a "**" component any number of
 * components (with their slashes), by plain recursion over the strings.
 */
static bool ref_match(const char *g, const char *s)
{
	if (!strncmp(g, "/**", 3) && (g[3] == '/' || g[3] == '\0')) {
		/* Zero components, or one more "/name" and try again. */
		if (ref_match(g + 3, s))
			return true;
		if (*s != '/')
			return false;
		for (s++; *s && *s != '/'; s++)
			;
		return ref_match(g, s);
	}
	if (*g == '*') {
		while (*g == '*')
			g++;
		for (;; s++) {
			if (ref_match(g, s))
				return true;
			if (!*s || *s == '/')
				return false;
		}
	}
	if (!*g)
		return !*s;
	return *g == *s && ref_match(g + 1, s + 1);
}

static void compile_ok(const char *glob, struct stk_glob_prog *g)
{
	const char *why = NULL;
	size_t off;

	if (stk_glob_compile(glob, 1, g, &why, &off))
		fail_msg("glob %s: %s", glob, why);
}

static const char *const globs[] = {
	"/system.slice/nginx.service",
	"/system.slice/docker-*.scope",
	"/kubepods.slice/**/cri-containerd-*.scope",
	"/a/**",
	"/**/x",
	"/a/*/b",
	"/a/*",
	"/*",
	"/a*b*c",
	"/**/a*/**/b",
	"/x/**/y/**/z",
	"/stk-*/c*",
};

static const char *const paths[] = {
	"/", "/a", "/b", "/x", "/a/b", "/a/x/b", "/a/x/y/b", "/a/b/c",
	"/system.slice", "/system.slice/nginx.service", "/system.slice/nginx.service/x",
	"/system.slice/docker-0123abc.scope", "/system.slice/docker-.scope",
	"/system.slice/docker-a/b.scope", "/system.slice/docker-a.scopex",
	"/kubepods.slice/cri-containerd-1.scope",
	"/kubepods.slice/kubepods-burstable.slice/pod1/cri-containerd-9f.scope",
	"/kubepods.slice/p/cri-containerd-9f.scope/sub",
	"/abc", "/aXbYc", "/ac", "/abbc", "/a/bc", "/x/y/z", "/x/z", "/x/q/y/r/s/z",
	"/q/a1/r/b", "/a/b/b", "/stk-1/c2", "/stk-1/d", "/stk-/c",
};

static void glob_agrees_with_reference(void **state)
{
	struct stk_glob_prog g;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(globs) / sizeof(globs[0]); i++) {
		compile_ok(globs[i], &g);
		for (j = 0; j < sizeof(paths) / sizeof(paths[0]); j++) {
			bool want = strcmp(paths[j], "/") && ref_match(globs[i], paths[j]);

			if (stk_glob_match(&g, paths[j]) != want)
				fail_msg("glob %s on %s: got %d, want %d", globs[i], paths[j], !want,
					 want);
		}
	}
}

static void glob_spot_checks(void **state)
{
	struct stk_glob_prog g;

	(void)state;
	compile_ok("/kubepods.slice/**/cri-containerd-*.scope", &g);
	assert_true(stk_glob_match(&g, "/kubepods.slice/cri-containerd-1.scope"));
	assert_true(stk_glob_match(&g, "/kubepods.slice/a/b/cri-containerd-1.scope"));
	assert_false(stk_glob_match(&g, "/kubepods.slice/a/cri-containerd-1.scope/x"));
	assert_false(stk_glob_match(&g, "/kubepods.slicex/cri-containerd-1.scope"));
	compile_ok("/system.slice/docker-*.scope", &g);
	assert_true(stk_glob_match(&g, "/system.slice/docker-abc.scope"));
	assert_false(stk_glob_match(&g, "/system.slice/docker-a/b.scope"));
	/* The root is never a scope. */
	compile_ok("/**", &g);
	assert_false(stk_glob_match(&g, "/"));
	assert_true(stk_glob_match(&g, "/a/b"));
}

static void glob_errors(void **state)
{
	static const struct {
		const char *glob;
		size_t off;
		const char *why;
	} bad[] = {
		{ "a/b", 0, "starts with '/'" },
		{ "/", 0, "write a policy without \"scope\"" },
		{ "/a//b", 3, "empty path component" },
		{ "/a/", 3, "empty path component" },
		{ "/a/../b", 3, "\".\" and \"..\"" },
		{ "/a**", 2, "whole path component" },
		{ "/a/***", 3, "whole path component" },
		{ "/**b", 1, "whole path component" },
		{ "/a/**/**", 6, "says nothing more" },
		{ "/a\tb", 2, "control character" },
		{ "/0123456789012345678901234567890123456789012345678901234567890123", 0,
		  "too long" },
	};
	struct stk_glob_prog g;
	const char *why;
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(stk_glob_compile(bad[i].glob, 1, &g, &why, &off), -EINVAL);
		assert_non_null(why);
		if (!strstr(why, bad[i].why))
			fail_msg("glob %s: got '%s', want '%s'", bad[i].glob, why, bad[i].why);
		if (bad[i].off && off != bad[i].off)
			fail_msg("glob %s: error at %zu, want %zu", bad[i].glob, off, bad[i].off);
	}
}

static struct stk_policy *parse(const char *text, struct stk_diags *d)
{
	struct stk_policy *p = NULL;

	stk_policy_parse("t.json", text, strlen(text), &p, d);
	return p;
}

static void parse_scope(void **state)
{
	struct stk_diags d = {};
	struct stk_policy *p;

	(void)state;
	p = parse("{\"stockade\": 1, \"name\": \"n\",\n"
		  " \"scope\": {\"cgroups\": [\"/system.slice/nginx.service\", \"/k/**/c-*\"]}}",
		  &d);
	assert_non_null(p);
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(p->scope.n, 2);
	assert_string_equal(p->scope.cgroups[1], "/k/**/c-*");
	assert_int_equal(p->scope.pos[0].line, 2);
	assert_int_equal(p->scope.key_pos.line, 2);
	stk_policy_free(p);
	stk_diags_free(&d);
}

static void expect_error(const char *text, int line, int col, const char *msg)
{
	struct stk_diags d = {};
	struct stk_policy *p = parse(text, &d);
	size_t i;


	assert_null(p);
	assert_true(d.n_errors >= 1);
	for (i = 0; i < d.n; i++)
		if (d.v[i].line == line && d.v[i].col == col && strstr(d.v[i].msg, msg))
			break;
	if (i == d.n)
		fail_msg("%s: got %d:%d '%s', want %d:%d '%s'", text, d.v[0].line, d.v[0].col,
			 d.v[0].msg, line, col, msg);
	stk_diags_free(&d);
}

static void parse_scope_errors(void **state)
{
	(void)state;
	expect_error("{\"stockade\": 1, \"name\": \"n\", \"scope\": {}}", 1, 39,
		     "missing required key 'cgroups'");
	expect_error("{\"stockade\": 1, \"name\": \"n\", \"scope\": {\"cgroups\": []}}", 1, 51,
		     "must not be empty");
	expect_error("{\"stockade\": 1, \"name\": \"n\", \"scope\": {\"cgroups\": [1]}}", 1, 52,
		     "wrong type for cgroup glob");
	/* The column is the offending character's: the second '/' of "//". */
	expect_error("{\"stockade\": 1, \"name\": \"n\",\n\"scope\": {\"cgroups\": [\"/a//b\"]}}", 2,
		     27, "empty path component");
	expect_error("{\"stockade\": 1, \"name\": \"n\", \"scope\": {\"cgroup\": [\"/a\"]}}", 1, 40,
		     "unknown key 'cgroup'");
}

static void child_scopes(void **state)
{
	struct stk_glob_prog g[3];
	struct stk_cgroup_scope root, a, ab, abc, x, xy;

	(void)state;
	assert_int_equal(stk_glob_compile("/a/**", 1, &g[0], &(const char *){ 0 }, &(size_t){ 0 }), 0);
	assert_int_equal(stk_glob_compile("/a/b", 2, &g[1], &(const char *){ 0 }, &(size_t){ 0 }), 0);
	assert_int_equal(stk_glob_compile("/x/*", 3, &g[2], &(const char *){ 0 }, &(size_t){ 0 }), 0);
	stk_scope_root(g, 3, &root);
	assert_int_equal(root.scope, 0);
	stk_scope_child(g, 3, &root, "a", &a);
	assert_int_equal(a.scope, 1); /* a "**" component may match no component: "/a" itself */
	stk_scope_child(g, 3, &a, "b", &ab);
	/* Both match /a/b: the lower scope wins and the tie is marked. */
	assert_int_equal(ab.scope, 1);
	assert_true(ab.flags & STK_CGS_TIE);
	stk_scope_child(g, 3, &ab, "c", &abc);
	assert_int_equal(abc.scope, 1);
	assert_false(abc.flags & STK_CGS_TIE);
	stk_scope_child(g, 3, &root, "x", &x);
	assert_int_equal(x.scope, 0);
	stk_scope_child(g, 3, &x, "y", &xy);
	assert_int_equal(xy.scope, 3);
}

static void nearer_ancestor_wins(void **state)
{
	struct stk_glob_prog g[2];
	struct stk_cgroup_scope root, c1, c2, c3, c4;

	(void)state;
	/* Scope 2's glob matches the outer cgroup, scope 1's the inner one. */
	assert_int_equal(stk_glob_compile("/pod/inner", 1, &g[0], &(const char *){ 0 }, &(size_t){ 0 }), 0);
	assert_int_equal(stk_glob_compile("/pod", 2, &g[1], &(const char *){ 0 }, &(size_t){ 0 }), 0);
	stk_scope_root(g, 2, &root);
	stk_scope_child(g, 2, &root, "pod", &c1);
	assert_int_equal(c1.scope, 2);
	stk_scope_child(g, 2, &c1, "inner", &c2);
	assert_int_equal(c2.scope, 1);
	stk_scope_child(g, 2, &c2, "deeper", &c3);
	assert_int_equal(c3.scope, 1);
	stk_scope_child(g, 2, &c1, "other", &c4);
	assert_int_equal(c4.scope, 2);
	assert_false((c1.flags | c2.flags | c3.flags | c4.flags) & STK_CGS_TIE);
}

static struct stk_policy *pol(const char *text)
{
	struct stk_diags d = {};
	struct stk_policy *p = parse(text, &d);

	if (!p) {
		stk_diags_print(&d, stderr);
		fail();
	}
	stk_diags_free(&d);
	return p;
}

static void compile_per_scope(void **state)
{
	struct stk_policy *p[3];
	struct stk_compiled *c = NULL;
	struct stk_diags d = {};
	struct stk_decision dec;
	unsigned int flags;

	(void)state;
	p[0] = pol("{\"stockade\": 1, \"name\": \"host\", \"files\": {\"rules\": ["
		   "{\"id\": \"h\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\"], "
		   "\"action\": \"deny\"}]}}");
	p[1] = pol("{\"stockade\": 1, \"name\": \"web\", \"scope\": {\"cgroups\": [\"/web\"]},"
		   " \"files\": {\"rules\": [{\"id\": \"w\", \"paths\": [\"/srv/\"], "
		   "\"access\": [\"write\"], \"action\": \"deny\"}]},"
		   " \"capabilities\": {\"deny\": [\"CAP_SYS_ADMIN\"]}}");
	p[2] = pol("{\"stockade\": 1, \"name\": \"db\", \"scope\": {\"cgroups\": [\"/db/*\"]},"
		   " \"exec\": {\"rules\": [{\"id\": \"x\", \"paths\": [\"/usr/bin/\"], "
		   "\"action\": \"deny\"}]}}");
	assert_int_equal(stk_compile(p, 3, &c, &d), 0);
	assert_int_equal(c->n_scopes, 2);
	assert_int_equal(c->n_globs, 2);
	assert_string_equal(c->scope_policy[0]->name, "web");
	/* Scope 0: the host alone. */
	assert_int_equal(stk_explain_file(c, "/srv/x", STK_FACC_WRITE, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	assert_int_equal(c->ops.cap[21].action, STK_ACT_NONE);
	/* Scope 1: host and web; rule numbers name the right rules. */
	assert_int_equal(stk_explain_file(c->scopes[0], "/srv/x", STK_FACC_WRITE, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_string_equal(c->rules[dec.rule].policy, "web");
	assert_string_equal(c->rules[dec.rule].id, "w");
	assert_int_equal(stk_explain_file(c->scopes[0], "/etc/shadow", STK_FACC_READ, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_string_equal(c->rules[dec.rule].policy, "host");
	assert_int_equal(c->scopes[0]->ops.cap[21].action, STK_ACT_DENY);
	assert_string_equal(c->rules[c->scopes[0]->ops.cap[21].rule].id, "CAP_SYS_ADMIN");
	/* Scope 2: host and db, not web. */
	assert_int_equal(stk_explain_file(c->scopes[1], "/srv/x", STK_FACC_WRITE, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	assert_int_equal(stk_explain_file(c->scopes[1], "/usr/bin/ls", STK_FACC_EXEC, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_DENY);
	assert_string_equal(c->rules[dec.rule].policy, "db");
	assert_string_equal(c->rules[dec.rule].id, "x");
	/* Which cgroup is in which scope. */
	assert_int_equal(stk_scope_of_path(c, "/", &flags), 0);
	assert_int_equal(stk_scope_of_path(c, "/web", &flags), 1);
	assert_int_equal(stk_scope_of_path(c, "/web/a/b", &flags), 1);
	assert_int_equal(stk_scope_of_path(c, "/db", &flags), 0);
	assert_int_equal(stk_scope_of_path(c, "/db/one/x", &flags), 2);
	assert_int_equal(stk_scope_of_path(c, "/other", &flags), 0);
	stk_compiled_free(c);
	stk_policy_free(p[0]);
	stk_policy_free(p[1]);
	stk_policy_free(p[2]);
	stk_diags_free(&d);
}

/* Joining the scopes' rule tables keeps every field of each rule, "alert" too. */
static void scoped_rules_keep_their_alert_mark(void **state)
{
	struct stk_policy *p[3];
	struct stk_compiled *c = NULL;
	struct stk_diags d = {};
	size_t i, marked = 0;

	(void)state;
	p[0] = pol("{\"stockade\": 1, \"name\": \"host\", \"files\": {\"rules\": ["
		   "{\"id\": \"h\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\"], "
		   "\"action\": \"deny\"}]}}");
	p[1] = pol("{\"stockade\": 1, \"name\": \"web\", \"scope\": {\"cgroups\": [\"/web\"]},"
		   " \"files\": {\"rules\": [{\"id\": \"loud\", \"paths\": [\"/srv/\"], "
		   "\"access\": [\"write\"], \"action\": \"deny\", \"alert\": true},"
		   " {\"id\": \"quiet\", \"paths\": [\"/opt/\"], \"access\": [\"write\"], "
		   "\"action\": \"deny\"}]}}");
	p[2] = pol("{\"stockade\": 1, \"name\": \"db\", \"alert\": true, "
		   "\"scope\": {\"cgroups\": [\"/db\"]}, \"exec\": {\"rules\": [{\"id\": \"x\", "
		   "\"paths\": [\"/usr/bin/\"], \"action\": \"deny\"}]}}");
	assert_int_equal(stk_compile(p, 3, &c, &d), 0);
	for (i = 0; i < c->n_rules; i++) {
		const struct stk_rule_ref *r = &c->rules[i];
		bool want = !strcmp(r->policy, "db") ||
			    (!strcmp(r->policy, "web") && !strcmp(r->id, "loud"));

		if (r->alert != want)
			fail_msg("rule %s/%s: alert %d, want %d", r->policy, r->id, r->alert, want);
		marked += want;
	}
	assert_true(marked >= 2); /* web's "loud" and db's "x" at least */
	stk_compiled_free(c);
	for (i = 0; i < 3; i++)
		stk_policy_free(p[i]);
	stk_diags_free(&d);
}

static void compile_errors(void **state)
{
	struct stk_policy *p[2];
	struct stk_compiled *c = NULL;
	struct stk_diags d = {};

	(void)state;
	p[0] = pol("{\"stockade\": 1, \"name\": \"a\", \"scope\": {\"cgroups\": [\"/x/*\"]}}");
	p[1] = pol("{\"stockade\": 1, \"name\": \"b\",\n \"scope\": {\"cgroups\": [\"/y\", \"/x/*\"]}}");
	assert_int_equal(stk_compile(p, 2, &c, &d), -EINVAL);
	assert_null(c);
	assert_int_equal(d.n_errors, 1);
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].col, 30);
	assert_non_null(strstr(d.v[0].msg, "also in the scope of policy 'a' (t.json:1:"));
	stk_diags_free(&d);
	stk_policy_free(p[1]);

	stk_policy_free(p[0]);
}

static uint8_t net_decide(const struct stk_compiled *c, unsigned int scope, uint16_t port,
			  const char **ret_policy)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct stk_decision dec;

	assert_int_equal(stk_explain_net_scope(c, scope, STK_NET_CONNECT, 4, lo, port,
					       STK_NPROTO_TCP, &dec), 0);
	*ret_policy = dec.rule < c->n_rules ? c->rules[dec.rule].policy : "";
	return dec.action;
}

static void network_per_scope(void **state)
{
	struct stk_policy *p[3];
	struct stk_compiled *c = NULL;
	struct stk_diags d = {};
	const char *pol_name;

	(void)state;
	p[0] = pol("{\"stockade\": 1, \"name\": \"host\", \"network\": {\"connect\": {"
		   "\"default\": \"allow\", \"rules\": [{\"id\": \"no-1\", \"ports\": [\"1001\"], "
		   "\"action\": \"deny\"}]}}}");
	p[1] = pol("{\"stockade\": 1, \"name\": \"web\", \"scope\": {\"cgroups\": [\"/web\"]},"
		   " \"network\": {\"connect\": {\"default\": \"allow\", \"rules\": [{\"id\": "
		   "\"no-2\", \"ports\": [\"1002\"], \"action\": \"deny\"}]}}}");
	p[2] = pol("{\"stockade\": 1, \"name\": \"db\", \"scope\": {\"cgroups\": [\"/db\"]}}");
	assert_int_equal(stk_compile(p, 3, &c, &d), 0);
	assert_non_null(c->net_scoped);
	assert_int_equal(c->net_scoped->table[0], 0);
	assert_int_equal(c->net_scoped->table[1], 1);
	assert_int_equal(c->net_scoped->table[2], 0); /* db has none: the host's */
	/* Host: only its own rule. */
	assert_int_equal(net_decide(c, 0, 1001, &pol_name), STK_ACT_DENY);
	assert_string_equal(pol_name, "host");
	assert_int_equal(net_decide(c, 0, 1002, &pol_name), STK_ACT_ALLOW);
	/* web: both. */
	assert_int_equal(net_decide(c, 1, 1001, &pol_name), STK_ACT_DENY);
	assert_string_equal(pol_name, "host");
	assert_int_equal(net_decide(c, 1, 1002, &pol_name), STK_ACT_DENY);
	assert_string_equal(pol_name, "web");
	assert_int_equal(net_decide(c, 1, 1003, &pol_name), STK_ACT_ALLOW);
	/* db: the host's. */
	assert_int_equal(net_decide(c, 2, 1001, &pol_name), STK_ACT_DENY);
	assert_int_equal(net_decide(c, 2, 1002, &pol_name), STK_ACT_ALLOW);
	stk_compiled_free(c);
	stk_policy_free(p[0]);

	/* Only a scoped policy has network rules: the host and db have no table at all. */
	assert_int_equal(stk_compile(p + 1, 2, &c, &d), 0);
	assert_non_null(c->net_scoped);
	assert_int_equal(c->net_scoped->table[0], STK_NET_NO_RULES);
	assert_int_equal(c->net_scoped->table[1], 1);
	assert_int_equal(c->net_scoped->table[2], STK_NET_NO_RULES);
	assert_int_equal(net_decide(c, 0, 1002, &pol_name), STK_ACT_ALLOW);
	assert_int_equal(net_decide(c, 1, 1002, &pol_name), STK_ACT_DENY);
	assert_string_equal(pol_name, "web");
	assert_int_equal(net_decide(c, 2, 1002, &pol_name), STK_ACT_ALLOW);
	stk_compiled_free(c);
	stk_policy_free(p[1]);
	stk_policy_free(p[2]);
	stk_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob_agrees_with_reference),
		cmocka_unit_test(glob_spot_checks),
		cmocka_unit_test(glob_errors),
		cmocka_unit_test(parse_scope),
		cmocka_unit_test(parse_scope_errors),
		cmocka_unit_test(child_scopes),
		cmocka_unit_test(nearer_ancestor_wins),
		cmocka_unit_test(compile_per_scope),
		cmocka_unit_test(scoped_rules_keep_their_alert_mark),
		cmocka_unit_test(compile_errors),
		cmocka_unit_test(network_per_scope),
	};

	return cmocka_run_group_tests_name("scope", tests, NULL, NULL);
}
