/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * fuzz_policy.c - libFuzzer target for policy documents: parse, compile,
 * explain, free. Beyond crashes and leaks, it aborts when a promise breaks:
 * every diagnostic has a position inside the text, a parsed policy always
 * compiles, and every table entry gives a complete decision.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static void check_positions(const struct stk_diags *d, const uint8_t *data, size_t size)
{
	size_t i, lines = 1;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	for (i = 0; i < d->n; i++) {
		check(d->v[i].line >= 1 && (size_t)d->v[i].line <= lines);
		check(d->v[i].col >= 1 && (size_t)d->v[i].col <= size + 1);
		check(d->v[i].msg && d->v[i].file);
	}
}

static void check_table(const struct stk_compiled *c)
{
	static const char *const extra[] = { "/", "/etc/shadow", "/a/b/c" };
	struct stk_decision dec;
	size_t i;
	int k;

	for (i = 0; i < c->n_paths + 3; i++) {
		const char *path = i < c->n_paths ? c->paths[i].path : extra[i - c->n_paths];

		if (i > 0 && i < c->n_paths)
			check(strcmp(c->paths[i - 1].path, path) < 0);
		for (k = 0; k < STK_FACC_COUNT; k++) {
			check(stk_explain_file(c, path, k, &dec) == 0);
			check((dec.action & STK_ACT_MASK) != STK_ACT_NONE);
			check(dec.rule < c->n_rules);
			if (i < c->n_paths) {
				const struct stk_path_entry *e = &c->paths[i];

				check((e->value.exact.action[k] != STK_ACT_NONE) == e->has_exact);
				check((e->value.tree.action[k] != STK_ACT_NONE) == e->has_tree);
			}
		}
	}
}

/* Rules the network section adds to the rule table: a default, then its rules. */
static size_t net_rules(const struct stk_policy *p)
{
	if (!p->network.present)
		return 0;
	return 1 + p->network.dir[STK_NET_CONNECT].n_rules + p->network.dir[STK_NET_BIND].n_rules;
}

/* Every address finds an entry (the /0 ones) and a verdict naming a rule. */
static void check_net(const struct stk_compiled *c)
{
	static const uint8_t addrs[][16] = { { 0 }, { 10, 1, 2, 3 }, { 0xfd, 0, [15] = 1 },
					     { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 } };
	struct stk_decision dec;
	size_t i;
	int dir, proto;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		for (dir = 0; dir < STK_NET_NDIRS; dir++)
			for (proto = 0; proto < STK_NPROTO_COUNT; proto++) {
				check(stk_explain_net(c, dir, i == 1 ? 4 : 6, addrs[i], 53, proto,
						      &dec) == 0);
				check(!c->net->present || dec.rule < c->n_rules);
			}
}

/* Every slot of the capabilities, kernel and sockets sections names a rule, or none. */
static void check_ops(const struct stk_compiled *c)
{
	const struct stk_op_verdict *v = (const struct stk_op_verdict *)&c->ops;
	size_t i, n = sizeof(c->ops) / sizeof(*v);

	for (i = 0; i < n; i++)
		check(v[i].action == STK_ACT_NONE ? v[i].rule == STK_RULE_NONE
						  : v[i].rule < c->n_rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stk_policy *p = NULL, *two[2];
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };
	int r;

	r = stk_policy_parse("fuzz.json", (const char *)data, size, &p, &d);
	check_positions(&d, data, size);
	check(r == 0 || r == -EINVAL || r == -ENOMEM);
	check((r == 0) == (p != NULL));
	if (r != -ENOMEM)
		check((r == 0) == (d.n_errors == 0));
	if (p) {
		/* Whatever the parser accepts, the compiler takes. */
		check(stk_compile(&p, 1, &c, &d) == 0);
		check_table(c);
		check_ops(c);
		stk_compiled_free(c);

		/* The same policy twice: two policies combining. */
		two[0] = two[1] = p;
		check(stk_compile(two, 2, &c, &d) == 0);
		check(c->n_rules == 2 * (p->files.n_rules + p->exec.n_rules + 1 + p->caps.n +
					 p->kernel.n + p->sockets.n) + 2 * net_rules(p));
		check_net(c);
		check_table(c);
		check_ops(c);
		stk_compiled_free(c);
	}
	stk_policy_free(p);
	stk_diags_free(&d);
	return 0;
}
