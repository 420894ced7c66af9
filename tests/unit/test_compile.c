/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_compile.c - the compiled path table and stk_explain_file(): longest
 * match, ties, defaults, complain mode, several policies at once, the
 * exact/tree encoding the kernel reads, and a randomised comparison with a
 * plain reference evaluator.
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

#define R STK_FACC_BIT(STK_FACC_READ)
#define W STK_FACC_BIT(STK_FACC_WRITE)
#define ALL ((1u << STK_FACC_COUNT) - 1)
#define CDENY (STK_ACT_DENY | STK_ACT_COMPLAIN)

/* Policies are built by hand here: the compiler must not rely on the parser. */
static struct stk_policy *policy(const char *name, enum stk_action def, enum stk_mode mode)
{
	struct stk_policy *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->file = strdup("t.json");
	p->name = strdup(name);
	p->mode = mode;
	p->files.def = def;
	p->exec.def = def;
	return p;
}

/* Adds a rule; @paths is a NULL-terminated list. */
static void rule(struct stk_policy *p, const char *id, enum stk_action action, enum stk_mode mode,
		 uint32_t access, ...)
{
	struct stk_file_rule *r;
	const char *path;
	va_list ap;

	p->files.rules = realloc(p->files.rules, (p->files.n_rules + 1) * sizeof(*r));
	assert_non_null(p->files.rules);
	r = &p->files.rules[p->files.n_rules++];
	memset(r, 0, sizeof(*r));
	r->id = strdup(id);
	r->action = action;
	r->mode = mode;
	r->access = access;
	r->pos = (struct stk_pos){ (int)p->files.n_rules, 1 };
	va_start(ap, access);
	while ((path = va_arg(ap, const char *))) {
		r->paths = realloc(r->paths, (r->n_paths + 1) * sizeof(*r->paths));
		r->path_pos = realloc(r->path_pos, (r->n_paths + 1) * sizeof(*r->path_pos));
		r->paths[r->n_paths] = strdup(path);
		r->path_pos[r->n_paths] = r->pos;
		r->n_paths++;
	}
	va_end(ap);
}

static struct stk_compiled *compile(struct stk_policy **pols, size_t n)
{
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };

	assert_int_equal(stk_compile(pols, n, &c, &d), 0);
	assert_int_equal(d.n, 0);
	stk_diags_free(&d);
	return c;
}

static void free_all(struct stk_compiled *c, struct stk_policy **pols, size_t n)
{
	size_t i;

	stk_compiled_free(c);
	for (i = 0; i < n; i++)
		stk_policy_free(pols[i]);
}

/* The decision, as "policy/id" of the deciding rule, and its action byte. */
static uint8_t explain(const struct stk_compiled *c, const char *path, enum stk_file_access acc,
		       char *who)
{
	struct stk_decision d = { 0xee, 12345 };

	assert_int_equal(stk_explain_file(c, path, acc, &d), 0);
	if (d.rule < c->n_rules)
		sprintf(who, "%s/%s", c->rules[d.rule].policy, c->rules[d.rule].id);
	else
		sprintf(who, "none(%u)", d.rule);
	return d.action;
}

#define assert_decision(c, path, acc, want_action, want_who)              \
	do {                                                              \
		char who_[200];                                           \
		uint8_t a_ = explain((c), (path), (acc), who_);           \
		if (a_ != (want_action) || strcmp(who_, (want_who)) != 0) \
			fail_msg("%s %d: got %#x %s, want %#x %s", (path), \
				 (acc), a_, who_, (want_action), (want_who)); \
	} while (0)

static const struct stk_path_entry *entry(const struct stk_compiled *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->n_paths; i++)
		if (strcmp(c->paths[i].path, path) == 0)
			return &c->paths[i];
	fail_msg("no entry '%s'", path);
	return NULL;
}

static bool verdict_absent(const struct stk_file_verdict *v)
{
	int k;

	for (k = 0; k < STK_FACC_COUNT; k++)
		if (v->action[k] != STK_ACT_NONE || v->rule[k] != STK_RULE_NONE)
			return false;
	return true;
}

static bool verdict_complete(const struct stk_file_verdict *v, size_t n_rules)
{
	int k;

	for (k = 0; k < STK_FACC_COUNT; k++)
		if (v->action[k] == STK_ACT_NONE || v->rule[k] >= n_rules)
			return false;
	return true;
}

/* What the kernel relies on, for every entry of @c. */
static void assert_table_shape(const struct stk_compiled *c)
{
	size_t i;

	for (i = 0; i < c->n_paths; i++) {
		const struct stk_path_entry *e = &c->paths[i];

		assert_true(e->has_exact || e->has_tree);
		assert_true(e->has_exact ? verdict_complete(&e->value.exact, c->n_rules) :
					   verdict_absent(&e->value.exact));
		assert_true(e->has_tree ? verdict_complete(&e->value.tree, c->n_rules) :
					  verdict_absent(&e->value.tree));
		assert_int_equal(e->value.flags, 0);
		
		if (i > 0)
			assert_true(strcmp(c->paths[i - 1].path, e->path) < 0);
	}
	assert_true(verdict_complete(&c->file_default, c->n_rules) || c->n_rules == 0);
}

static void demo_policy(void **state)
{
	struct stk_policy *p = policy("demo", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	const struct stk_path_entry *e;
	struct stk_compiled *c;

	(void)state;
	rule(p, "no-shadow", STK_ACT_DENY, STK_MODE_INHERIT, R | W, "/etc/shadow", NULL);
	rule(p, "ro-secrets", STK_ACT_DENY, STK_MODE_COMPLAIN, W, "/srv/secrets/", NULL);
	c = compile(&p, 1);
	assert_table_shape(c);

	assert_int_equal(c->n_rules, 3);
	assert_string_equal(c->rules[0].policy, "demo");
	assert_string_equal(c->rules[0].id, "default");
	assert_string_equal(c->rules[1].id, "no-shadow");
	assert_string_equal(c->rules[2].id, "ro-secrets");

	assert_int_equal(c->n_paths, 2);
	e = &c->paths[0];
	assert_string_equal(e->path, "/etc/shadow");
	assert_true(e->has_exact);
	assert_false(e->has_tree);
	assert_int_equal(e->value.exact.action[STK_FACC_READ], STK_ACT_DENY);
	assert_int_equal(e->value.exact.rule[STK_FACC_READ], 1);
	assert_int_equal(e->value.exact.action[STK_FACC_WRITE], STK_ACT_DENY);
	/* Complete: the kinds no rule names come from the default. */
	assert_int_equal(e->value.exact.action[STK_FACC_CREATE], STK_ACT_ALLOW);
	assert_int_equal(e->value.exact.rule[STK_FACC_CREATE], 0);
	assert_int_equal(e->value.tree.action[STK_FACC_READ], STK_ACT_NONE);

	e = &c->paths[1];
	assert_string_equal(e->path, "/srv/secrets");
	assert_false(e->has_exact);
	assert_true(e->has_tree);
	assert_int_equal(e->value.tree.action[STK_FACC_WRITE], CDENY);
	assert_int_equal(e->value.tree.rule[STK_FACC_WRITE], 2);
	assert_int_equal(e->value.tree.action[STK_FACC_READ], STK_ACT_ALLOW);

	assert_int_equal(c->file_default.action[STK_FACC_READ], STK_ACT_ALLOW);
	assert_int_equal(c->file_default.rule[STK_FACC_READ], 0);

	assert_decision(c, "/etc/shadow", STK_FACC_READ, STK_ACT_DENY, "demo/no-shadow");
	assert_decision(c, "/etc/shadow", STK_FACC_ATTR, STK_ACT_ALLOW, "demo/default");
	/* An exact rule does not reach below its path. */
	assert_decision(c, "/etc/shadow/x", STK_FACC_READ, STK_ACT_ALLOW, "demo/default");
	assert_decision(c, "/etc/shadow-", STK_FACC_READ, STK_ACT_ALLOW, "demo/default");
	assert_decision(c, "/srv/secrets", STK_FACC_WRITE, CDENY, "demo/ro-secrets");
	assert_decision(c, "/srv/secrets/", STK_FACC_WRITE, CDENY, "demo/ro-secrets");
	assert_decision(c, "/srv/secrets/a/b", STK_FACC_WRITE, CDENY, "demo/ro-secrets");
	assert_decision(c, "/srv/secrets/a/b", STK_FACC_READ, STK_ACT_ALLOW, "demo/default");
	assert_decision(c, "/srv/secretsx", STK_FACC_WRITE, STK_ACT_ALLOW, "demo/default");
	assert_decision(c, "/", STK_FACC_WRITE, STK_ACT_ALLOW, "demo/default");
	free_all(c, &p, 1);
}

static void longest_match_wins(void **state)
{
	struct stk_policy *p = policy("p", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	struct stk_compiled *c;

	(void)state;
	rule(p, "deny-a", STK_ACT_DENY, 0, ALL, "/a/", NULL);
	rule(p, "allow-ab", STK_ACT_ALLOW, 0, ALL, "/a/b/", NULL);
	rule(p, "audit-abc", STK_ACT_AUDIT, 0, ALL, "/a/b/c", NULL);
	rule(p, "deny-abcd", STK_ACT_DENY, 0, ALL, "/a/b/c/d/", NULL);
	c = compile(&p, 1);
	assert_table_shape(c);

	assert_decision(c, "/a", STK_FACC_READ, STK_ACT_DENY, "p/deny-a");
	assert_decision(c, "/a/x/y", STK_FACC_READ, STK_ACT_DENY, "p/deny-a");
	assert_decision(c, "/a/b", STK_FACC_READ, STK_ACT_ALLOW, "p/allow-ab");
	assert_decision(c, "/a/b/z", STK_FACC_READ, STK_ACT_ALLOW, "p/allow-ab");
	assert_decision(c, "/a/b/c", STK_FACC_READ, STK_ACT_AUDIT, "p/audit-abc");
	/* Below an exact-only entry, the walk goes on to the subtree above it. */
	assert_decision(c, "/a/b/c/x", STK_FACC_READ, STK_ACT_ALLOW, "p/allow-ab");
	assert_decision(c, "/a/b/c/d", STK_FACC_READ, STK_ACT_DENY, "p/deny-abcd");
	assert_decision(c, "/a/b/c/d/e", STK_FACC_READ, STK_ACT_DENY, "p/deny-abcd");
	assert_decision(c, "/ab", STK_FACC_READ, STK_ACT_ALLOW, "p/default");
	assert_decision(c, "/a-b/c", STK_FACC_READ, STK_ACT_ALLOW, "p/default");

	/* The entry of an exact-only path carries no tree part for the kernel. */
	assert_true(verdict_absent(&entry(c, "/a/b/c")->value.tree));
	free_all(c, &p, 1);
}

/* Longest match is per access kind: a rule only matches the kinds it names. */
static void longest_match_per_access_kind(void **state)
{
	struct stk_policy *p = policy("p", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	struct stk_compiled *c;

	(void)state;
	rule(p, "no-write", STK_ACT_DENY, 0, W, "/data/", NULL);
	rule(p, "read-ok", STK_ACT_ALLOW, 0, R, "/data/pub/", NULL);
	rule(p, "no-read", STK_ACT_DENY, 0, R, "/data/", NULL);
	c = compile(&p, 1);
	assert_decision(c, "/data/pub/f", STK_FACC_READ, STK_ACT_ALLOW, "p/read-ok");
	assert_decision(c, "/data/pub/f", STK_FACC_WRITE, STK_ACT_DENY, "p/no-write");
	assert_decision(c, "/data/f", STK_FACC_READ, STK_ACT_DENY, "p/no-read");
	assert_decision(c, "/data/pub/f", STK_FACC_DELETE, STK_ACT_ALLOW, "p/default");
	/* The /data/pub entry is complete: write was filled from /data/. */
	assert_int_equal(entry(c, "/data/pub")->value.tree.action[STK_FACC_WRITE], STK_ACT_DENY);
	assert_int_equal(entry(c, "/data/pub")->value.tree.rule[STK_FACC_WRITE], 1);
	free_all(c, &p, 1);
}

static void ties_at_the_same_path(void **state)
{
	struct stk_policy *p = policy("p", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	struct stk_compiled *c;
	const struct stk_path_entry *e;

	(void)state;
	/* Exact allow and subtree deny at /x: the file itself is a tie, deny wins. */
	rule(p, "x-file", STK_ACT_ALLOW, 0, R, "/x", NULL);
	rule(p, "x-tree", STK_ACT_DENY, 0, R, "/x/", NULL);
	/* Exact deny and subtree allow at /y: deny for /y only. */
	rule(p, "y-tree", STK_ACT_ALLOW, 0, R, "/y/", NULL);
	rule(p, "y-file", STK_ACT_DENY, 0, R, "/y", NULL);
	/* Audit beats allow; of two as severe, the earlier rule. */
	rule(p, "z-allow", STK_ACT_ALLOW, 0, R | W, "/z/", NULL);
	rule(p, "z-audit", STK_ACT_AUDIT, 0, R, "/z", NULL);
	rule(p, "z-allow2", STK_ACT_ALLOW, 0, W, "/z", NULL);
	/* Enforced deny beats complain deny. */
	rule(p, "w-complain", STK_ACT_DENY, STK_MODE_COMPLAIN, R, "/w", NULL);
	rule(p, "w-enforce", STK_ACT_DENY, 0, R, "/w/", NULL);
	c = compile(&p, 1);
	assert_table_shape(c);

	e = entry(c, "/x");
	assert_true(e->has_exact && e->has_tree);
	assert_int_equal(e->value.exact.action[STK_FACC_READ], STK_ACT_DENY);
	assert_decision(c, "/x", STK_FACC_READ, STK_ACT_DENY, "p/x-tree");
	assert_decision(c, "/x/1", STK_FACC_READ, STK_ACT_DENY, "p/x-tree");
	assert_decision(c, "/y", STK_FACC_READ, STK_ACT_DENY, "p/y-file");
	assert_decision(c, "/y/1", STK_FACC_READ, STK_ACT_ALLOW, "p/y-tree");
	assert_decision(c, "/z", STK_FACC_READ, STK_ACT_AUDIT, "p/z-audit");
	assert_decision(c, "/z", STK_FACC_WRITE, STK_ACT_ALLOW, "p/z-allow");
	assert_decision(c, "/z/1", STK_FACC_WRITE, STK_ACT_ALLOW, "p/z-allow");
	assert_decision(c, "/w", STK_FACC_READ, STK_ACT_DENY, "p/w-enforce");
	free_all(c, &p, 1);
}

static void defaults_and_root(void **state)
{
	struct stk_policy *p = policy("strict", STK_ACT_DENY, STK_MODE_ENFORCE);
	struct stk_compiled *c;

	(void)state;
	rule(p, "usr", STK_ACT_ALLOW, 0, R, "/usr/", NULL);
	c = compile(&p, 1);
	assert_decision(c, "/usr/bin/ls", STK_FACC_READ, STK_ACT_ALLOW, "strict/usr");
	assert_decision(c, "/usr/bin/ls", STK_FACC_WRITE, STK_ACT_DENY, "strict/default");
	assert_decision(c, "/etc/passwd", STK_FACC_READ, STK_ACT_DENY, "strict/default");
	assert_int_equal(c->file_default.action[STK_FACC_READ], STK_ACT_DENY);
	assert_int_equal(c->file_default.rule[STK_FACC_READ], 0);
	free_all(c, &p, 1);

	/* "/" is the subtree of everything, "/" itself included. */
	p = policy("root", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(p, "all", STK_ACT_AUDIT, 0, W, "/", NULL);
	rule(p, "tmp", STK_ACT_ALLOW, 0, W, "/tmp/", NULL);
	c = compile(&p, 1);
	assert_table_shape(c);
	assert_int_equal(c->n_paths, 2);
	assert_string_equal(c->paths[0].path, "/");
	assert_false(c->paths[0].has_exact);
	assert_decision(c, "/", STK_FACC_WRITE, STK_ACT_AUDIT, "root/all");
	assert_decision(c, "/etc/x", STK_FACC_WRITE, STK_ACT_AUDIT, "root/all");
	assert_decision(c, "/tmp/x", STK_FACC_WRITE, STK_ACT_ALLOW, "root/tmp");
	assert_decision(c, "/etc/x", STK_FACC_READ, STK_ACT_ALLOW, "root/default");
	free_all(c, &p, 1);
}

static void complain_mode(void **state)
{
	struct stk_policy *p = policy("soft", STK_ACT_DENY, STK_MODE_COMPLAIN);
	struct stk_compiled *c;

	(void)state;
	rule(p, "inherit", STK_ACT_DENY, STK_MODE_INHERIT, R, "/a", NULL);
	rule(p, "enforced", STK_ACT_DENY, STK_MODE_ENFORCE, R, "/b", NULL);
	rule(p, "audit", STK_ACT_AUDIT, STK_MODE_INHERIT, R, "/c", NULL);
	rule(p, "allow", STK_ACT_ALLOW, STK_MODE_COMPLAIN, R, "/d", NULL);
	c = compile(&p, 1);
	assert_decision(c, "/a", STK_FACC_READ, CDENY, "soft/inherit");
	assert_decision(c, "/b", STK_FACC_READ, STK_ACT_DENY, "soft/enforced");
	/* The flag marks denials that were not enforced; audit and allow carry none. */
	assert_decision(c, "/c", STK_FACC_READ, STK_ACT_AUDIT, "soft/audit");
	assert_decision(c, "/d", STK_FACC_READ, STK_ACT_ALLOW, "soft/allow");
	assert_decision(c, "/e", STK_FACC_READ, CDENY, "soft/default");
	assert_int_equal(c->file_default.action[STK_FACC_WRITE], CDENY);
	free_all(c, &p, 1);

	/* A complain rule inside an enforcing policy. */
	p = policy("hard", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(p, "try", STK_ACT_DENY, STK_MODE_COMPLAIN, W, "/opt/", NULL);
	c = compile(&p, 1);
	assert_decision(c, "/opt/x", STK_FACC_WRITE, CDENY, "hard/try");
	free_all(c, &p, 1);
}

static void policies_combine(void **state)
{
	struct stk_policy *pols[3];
	struct stk_compiled *c;

	(void)state;
	/* A denies /etc/; B allows /etc/passwd: /etc/passwd stays denied (by A). */
	pols[0] = policy("A", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[0], "etc", STK_ACT_DENY, 0, R | W, "/etc/", NULL);
	pols[1] = policy("B", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[1], "passwd", STK_ACT_ALLOW, 0, R, "/etc/passwd", NULL);
	rule(pols[1], "log", STK_ACT_AUDIT, 0, W, "/var/log/", NULL);
	c = compile(pols, 2);
	assert_table_shape(c);
	assert_int_equal(c->n_rules, 5);
	assert_string_equal(c->rules[2].policy, "B");
	assert_string_equal(c->rules[2].id, "default");
	assert_decision(c, "/etc/passwd", STK_FACC_READ, STK_ACT_DENY, "A/etc");
	assert_decision(c, "/etc/hosts", STK_FACC_WRITE, STK_ACT_DENY, "A/etc");
	assert_decision(c, "/var/log/x", STK_FACC_WRITE, STK_ACT_AUDIT, "B/log");
	/* Both allow: the earlier policy's default names it. */
	assert_decision(c, "/home", STK_FACC_READ, STK_ACT_ALLOW, "A/default");
	assert_decision(c, "/etc/passwd", STK_FACC_ATTR, STK_ACT_ALLOW, "A/default");
	free_all(c, pols, 2);

	/* A default-deny policy denies whatever it does not allow, whatever others say. */
	pols[0] = policy("open", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[0], "tmp", STK_ACT_ALLOW, 0, ALL, "/tmp/", NULL);
	pols[1] = policy("closed", STK_ACT_DENY, STK_MODE_ENFORCE);
	rule(pols[1], "home", STK_ACT_ALLOW, 0, R, "/home/", NULL);
	c = compile(pols, 2);
	assert_decision(c, "/tmp/x", STK_FACC_READ, STK_ACT_DENY, "closed/default");
	assert_decision(c, "/home/u", STK_FACC_READ, STK_ACT_ALLOW, "open/default");
	assert_decision(c, "/home/u", STK_FACC_WRITE, STK_ACT_DENY, "closed/default");
	assert_int_equal(c->file_default.action[STK_FACC_READ], STK_ACT_DENY);
	assert_int_equal(c->file_default.rule[STK_FACC_READ], 2);
	free_all(c, pols, 2);

	/* enforced deny > complain deny > audit > allow, across policies. */
	pols[0] = policy("c", STK_ACT_ALLOW, STK_MODE_COMPLAIN);
	rule(pols[0], "x", STK_ACT_DENY, 0, ALL, "/x/", NULL);
	rule(pols[0], "y", STK_ACT_DENY, 0, ALL, "/y/", NULL);
	pols[1] = policy("a", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[1], "y", STK_ACT_AUDIT, 0, ALL, "/y/", NULL);
	rule(pols[1], "z", STK_ACT_AUDIT, 0, ALL, "/z/", NULL);
	pols[2] = policy("e", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[2], "x", STK_ACT_DENY, 0, ALL, "/x/", NULL);
	c = compile(pols, 3);
	assert_table_shape(c);
	assert_decision(c, "/x/1", STK_FACC_READ, STK_ACT_DENY, "e/x");
	assert_decision(c, "/y/1", STK_FACC_READ, CDENY, "c/y");
	assert_decision(c, "/z/1", STK_FACC_READ, STK_ACT_AUDIT, "a/z");
	/* Each policy's own longest match first, then the combination. */
	assert_int_equal(entry(c, "/z")->value.tree.rule[STK_FACC_READ], 5);
	free_all(c, pols, 3);
}

/* An entry of one policy still carries every other policy's verdict there. */
static void entries_complete_across_policies(void **state)
{
	struct stk_policy *pols[2];
	struct stk_compiled *c;

	(void)state;
	pols[0] = policy("A", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[0], "srv", STK_ACT_DENY, 0, W, "/srv/", NULL);
	pols[1] = policy("B", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[1], "pub", STK_ACT_AUDIT, 0, R, "/srv/pub/", NULL);
	rule(pols[1], "key", STK_ACT_DENY, 0, R, "/srv/pub/key", NULL);
	c = compile(pols, 2);
	assert_table_shape(c);
	/* /srv/pub is B's entry, and the first the walk meets: A's deny is in it. */
	assert_decision(c, "/srv/pub/f", STK_FACC_WRITE, STK_ACT_DENY, "A/srv");
	assert_decision(c, "/srv/pub/f", STK_FACC_READ, STK_ACT_AUDIT, "B/pub");
	assert_decision(c, "/srv/pub/key", STK_FACC_READ, STK_ACT_DENY, "B/key");
	assert_decision(c, "/srv/pub/key", STK_FACC_WRITE, STK_ACT_DENY, "A/srv");
	assert_decision(c, "/srv/pub/key/x", STK_FACC_READ, STK_ACT_AUDIT, "B/pub");
	free_all(c, pols, 2);
}

static void no_policies(void **state)
{
	struct stk_compiled *c;
	struct stk_decision d;

	(void)state;
	c = compile(NULL, 0);
	assert_int_equal(c->n_paths, 0);
	assert_int_equal(c->n_rules, 0);
	assert_int_equal(stk_explain_file(c, "/etc/shadow", STK_FACC_WRITE, &d), 0);
	assert_int_equal(d.action, STK_ACT_ALLOW);
	assert_int_equal(d.rule, STK_RULE_NONE);
	stk_compiled_free(c);
	stk_compiled_free(NULL);
}

static void rule_table_outlives_policies(void **state)
{
	struct stk_policy *p = policy("keep", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	struct stk_compiled *c;

	(void)state;
	rule(p, "r1", STK_ACT_DENY, 0, R, "/a", NULL);
	c = compile(&p, 1);
	stk_policy_free(p);
	assert_string_equal(c->rules[1].policy, "keep");
	assert_string_equal(c->rules[1].id, "r1");
	assert_ptr_equal(c->rules[0].policy, c->rules[1].policy);
	stk_compiled_free(c);
}

static void bad_input(void **state)
{
	struct stk_policy *p = policy("p", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };
	struct stk_decision dec;

	(void)state;
	rule(p, "r", STK_ACT_NONE, 0, R, "/a", NULL);
	rule(p, "s", STK_ACT_DENY, 0, R, "relative", NULL);
	assert_int_equal(stk_compile(&p, 1, &c, &d), -EINVAL);
	assert_null(c);
	assert_int_equal(d.n_errors, 2);
	assert_string_equal(d.v[0].msg, "rule has no valid id or action");
	assert_int_equal(d.v[0].line, 1);
	assert_string_equal(d.v[1].msg, "invalid rule path");
	assert_int_equal(d.v[1].line, 2);
	assert_int_equal(stk_compile(&p, 1, NULL, &d), -EINVAL);
	stk_diags_free(&d);
	stk_policy_free(p);

	c = compile(NULL, 0);
	assert_int_equal(stk_explain_file(c, "etc", STK_FACC_READ, &dec), -EINVAL);
	assert_int_equal(stk_explain_file(c, "/a/../b", STK_FACC_READ, &dec), -EINVAL);
	assert_int_equal(stk_explain_file(c, "/a//b", STK_FACC_READ, &dec), -EINVAL);
	assert_int_equal(stk_explain_file(c, "", STK_FACC_READ, &dec), -EINVAL);
	assert_int_equal(stk_explain_file(c, NULL, STK_FACC_READ, &dec), -EINVAL);
	assert_int_equal(stk_explain_file(c, "/a", STK_FACC_COUNT, &dec), -EINVAL);
	assert_int_equal(stk_explain_file(c, "/a", STK_FACC_READ, NULL), -EINVAL);
	assert_int_equal(stk_explain_file(NULL, "/a", STK_FACC_READ, &dec), -EINVAL);
	stk_compiled_free(c);
}

/*
 * The reference: each policy's longest match by plain string comparison of
 * every rule against the path, no table, no walk; then the combination.
 */
static int rank(uint8_t b)
{
	return (int)stk_action_rank(b);
}

static uint8_t ref_byte(const struct stk_policy *p, const struct stk_file_rule *r)
{
	enum stk_mode m = r->mode != STK_MODE_INHERIT ? r->mode : p->mode;

	return r->action == STK_ACT_DENY && m == STK_MODE_COMPLAIN ? CDENY : (uint8_t)r->action;
}

static void reference(struct stk_policy *const *pols, size_t n_pols, const char *path, int k,
		      uint8_t *ret_action, uint32_t *ret_rule)
{
	uint32_t base = 0, best_rule = STK_RULE_NONE;
	uint8_t best = STK_ACT_NONE;
	size_t i, j, q, plen = strlen(path);

	for (i = 0; i < n_pols; i++) {
		const struct stk_policy *p = pols[i];
		uint8_t mine = p->files.def == STK_ACT_DENY && p->mode == STK_MODE_COMPLAIN ?
				       CDENY : (uint8_t)p->files.def;
		uint32_t mine_rule = base;
		long mine_len = -1;

		for (j = 0; j < p->files.n_rules; j++) {
			const struct stk_file_rule *r = &p->files.rules[j];

			if (!(r->access & (1u << k)))
				continue;
			for (q = 0; q < r->n_paths; q++) {
				const char *s = r->paths[q];
				size_t len = strlen(s);
				bool tree = s[len - 1] == '/', match;

				if (tree && len > 1)
					len--;
				if (tree)
					match = (len == 1) || (strncmp(path, s, len) == 0 &&
							       (plen == len || path[len] == '/'));
				else
					match = plen == len && strcmp(path, s) == 0;
				if (!match)
					continue;
				if ((long)len > mine_len ||
				    ((long)len == mine_len && rank(ref_byte(p, r)) > rank(mine))) {
					mine_len = (long)len;
					mine = ref_byte(p, r);
					mine_rule = base + 1 + (uint32_t)j;
				} else if ((long)len == mine_len &&
					   rank(ref_byte(p, r)) == rank(mine) &&
					   base + 1 + j < mine_rule) {
					mine_rule = base + 1 + (uint32_t)j;
				}
			}
		}
		if (rank(mine) > rank(best)) {
			best = mine;
			best_rule = mine_rule;
		}
		base += 1 + (uint32_t)p->files.n_rules;
	}
	if (n_pols == 0)
		best = STK_ACT_ALLOW;
	*ret_action = best;
	*ret_rule = best_rule;
}

static unsigned int rnd_state = 12345;

static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void random_path(char *buf, bool allow_root)
{
	static const char *const names[] = { "a", "b", "ab", "a-b", "c" };
	unsigned int depth = allow_root ? rnd(4) : 1 + rnd(4), i;

	buf[0] = '\0';
	for (i = 0; i < depth; i++) {
		strcat(buf, "/");
		strcat(buf, names[rnd(5)]);
	}
	if (depth == 0)
		strcpy(buf, "/");
}

static void matches_reference(void **state)
{
	static const enum stk_mode modes[] = {
		STK_MODE_INHERIT,
		STK_MODE_ENFORCE,
		STK_MODE_COMPLAIN,
	};
	unsigned int round;

	(void)state;
	for (round = 0; round < 400; round++) {
		struct stk_policy *pols[3];
		size_t n_pols = rnd(4), i;
		struct stk_compiled *c;
		unsigned int q;

		for (i = 0; i < n_pols; i++) {
			char name[32];
			unsigned int n_rules = rnd(8), j;

			snprintf(name, sizeof(name), "p%zu", i);
			pols[i] = policy(name, rnd(2) ? STK_ACT_ALLOW : STK_ACT_DENY,
					 rnd(2) ? STK_MODE_ENFORCE : STK_MODE_COMPLAIN);
			for (j = 0; j < n_rules; j++) {
				char id[32], p1[64], p2[64];

				snprintf(id, sizeof(id), "r%u", j);
				random_path(p1, true);
				random_path(p2, false);
				if (rnd(2) && strcmp(p1, "/"))
					strcat(p1, "/");
				if (rnd(2))
					strcat(p2, "/");
				rule(pols[i], id, 1 + rnd(3), modes[rnd(3)], 1 + rnd(ALL), p1,
				     rnd(3) ? NULL : p2, NULL);
			}
		}
		c = compile(pols, n_pols);
		assert_table_shape(c);
		for (q = 0; q < 60; q++) {
			char path[64], who[200];
			uint8_t want, got;
			uint32_t want_rule;
			int k = (int)rnd(STK_FACC_COUNT);

			/* Half the queries on table paths, half anywhere. */
			if (q % 2 && c->n_paths)
				strcpy(path, c->paths[rnd((unsigned int)c->n_paths)].path);
			else
				random_path(path, true);
			reference(pols, n_pols, path, k, &want, &want_rule);
			/* The kernel skips the walk for these: it must not miss a verdict. */
			if ((c->file_unruled & STK_FACC_BIT(k)) && want != STK_ACT_ALLOW)
				fail_msg("round %u: %s kind %d: %#x, but the kind is unruled", round,
					 path, k, want);
			got = explain(c, path, k, who);
			if (got != want)
				fail_msg("round %u: %s kind %d: got %#x, want %#x", round, path,
					 k, got, want);
			if (want_rule != STK_RULE_NONE) {
				char want_who[200];

				sprintf(want_who, "%s/%s", c->rules[want_rule].policy,
					c->rules[want_rule].id);
				if (strcmp(who, want_who) != 0)
					fail_msg("round %u: %s kind %d: decided by %s, want %s",
						 round, path, k, who, want_who);
			}
		}
		free_all(c, pols, n_pols);
	}
}

/*
 * stk_compiled.file_unruled: the kinds for which every verdict is plain
 * allow. Any rule of another action, in any mode, rules its kinds; an
 * allow rule does not; a default of deny rules every kind. file_keyed:
 * what the rules alone say (deny, complain, audit), whatever the default.
 */
static void unruled_kinds(void **state)
{
	struct stk_policy *pols[2];
	struct stk_compiled *c;

	(void)state;
	c = compile(pols, 0);
	assert_int_equal(c->file_unruled, ALL);
	free_all(c, pols, 0);

	pols[0] = policy("a", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[0], "r", STK_ACT_DENY, STK_MODE_INHERIT, R, "/etc/shadow", NULL);
	rule(pols[0], "w", STK_ACT_ALLOW, STK_MODE_INHERIT, W, "/srv/", NULL);
	rule(pols[0], "c", STK_ACT_AUDIT, STK_MODE_INHERIT, STK_FACC_BIT(STK_FACC_CREATE),
	     "/tmp/", NULL);
	pols[1] = policy("b", STK_ACT_ALLOW, STK_MODE_COMPLAIN);
	rule(pols[1], "d", STK_ACT_DENY, STK_MODE_INHERIT, STK_FACC_BIT(STK_FACC_DELETE),
	     "/var/", NULL);
	c = compile(pols, 2);
	assert_int_equal(c->file_unruled,
			 ALL & ~(R | STK_FACC_BIT(STK_FACC_CREATE) | STK_FACC_BIT(STK_FACC_DELETE)));
	assert_int_equal(c->file_keyed.deny, R);
	assert_int_equal(c->file_keyed.complain, STK_FACC_BIT(STK_FACC_DELETE));
	assert_int_equal(c->file_keyed.audit, STK_FACC_BIT(STK_FACC_CREATE));
	free_all(c, pols, 2);

	pols[0] = policy("a", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	pols[1] = policy("b", STK_ACT_DENY, STK_MODE_COMPLAIN);
	rule(pols[1], "w", STK_ACT_ALLOW, STK_MODE_INHERIT, W, "/srv/", NULL);
	c = compile(pols, 2);
	assert_int_equal(c->file_unruled, 0);
	/* An entry holds every kind: the other policy's default where no rule speaks. */
	assert_int_equal(c->file_keyed.deny, 0);
	assert_int_equal(c->file_keyed.complain, ALL & ~W);
	assert_int_equal(c->file_keyed.audit, 0);
	free_all(c, pols, 2);
}

/* What lies below a mountpoint inherits: the nearest subtree part at or above it. */
static void tree_at_or_above(void **state)
{
	struct stk_policy *pols[1];
	struct stk_compiled *c;
	struct stk_file_verdict v;

	(void)state;
	pols[0] = policy("p", STK_ACT_ALLOW, STK_MODE_ENFORCE);
	rule(pols[0], "srv", STK_ACT_DENY, STK_MODE_INHERIT, W, "/srv/", NULL);
	rule(pols[0], "file", STK_ACT_AUDIT, STK_MODE_INHERIT, R, "/srv/data/file", NULL);
	rule(pols[0], "pub", STK_ACT_ALLOW, STK_MODE_INHERIT, W, "/srv/data/pub/", NULL);
	c = compile(pols, 1);

	/* Below /srv/, past an exact-only entry, which does not reach below it. */
	assert_int_equal(stk_tree_at_or_above(c, "/srv/data/file", &v), 1);
	assert_int_equal(v.action[STK_FACC_WRITE], STK_ACT_DENY);
	assert_string_equal(c->rules[v.rule[STK_FACC_WRITE]].id, "srv");
	assert_int_equal(stk_tree_at_or_above(c, "/srv/data/mnt", &v), 1);
	assert_int_equal(v.action[STK_FACC_WRITE], STK_ACT_DENY);
	/* At the subtree entry itself, and below a nearer one. */
	assert_int_equal(stk_tree_at_or_above(c, "/srv/", &v), 1);
	assert_string_equal(c->rules[v.rule[STK_FACC_WRITE]].id, "srv");
	assert_int_equal(stk_tree_at_or_above(c, "/srv/data/pub/x/y", &v), 1);
	assert_int_equal(v.action[STK_FACC_WRITE], STK_ACT_ALLOW);
	assert_string_equal(c->rules[v.rule[STK_FACC_WRITE]].id, "pub");
	/* Nothing above: the default decides, and the caller adds nothing. */
	assert_int_equal(stk_tree_at_or_above(c, "/home/u", &v), 0);
	assert_int_equal(stk_tree_at_or_above(c, "/", &v), 0);
	assert_int_equal(stk_tree_at_or_above(c, "relative", &v), -EINVAL);
	free_all(c, pols, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_policy),
		cmocka_unit_test(longest_match_wins),
		cmocka_unit_test(longest_match_per_access_kind),
		cmocka_unit_test(ties_at_the_same_path),
		cmocka_unit_test(defaults_and_root),
		cmocka_unit_test(complain_mode),
		cmocka_unit_test(policies_combine),
		cmocka_unit_test(entries_complete_across_policies),
		cmocka_unit_test(no_policies),
		cmocka_unit_test(rule_table_outlives_policies),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(matches_reference),
		cmocka_unit_test(unruled_kinds),
		cmocka_unit_test(tree_at_or_above),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
