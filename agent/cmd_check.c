// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_check.c - "stockade check": validate policies without loading them,
 * and explain which rule decides an access.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "policy_load.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: stockade check [--explain PATH [--access KIND] [--cgroup CGROUP]] "
		   "POLICY...\n"
		   "  Validates each POLICY (file or directory) and prints every problem as\n"
		   "  file:line:column. With --explain, prints the decision for PATH, for a\n"
		   "  process in CGROUP (a cgroup v2 path such as /system.slice/x.service;\n"
		   "  default: a process no scoped policy applies to).\n");
}

/* Says which scope a process in @cgroup is in; returns that scope's table. */
static const struct stk_compiled *scope_for(const struct stk_compiled *c, const char *cgroup)
{
	unsigned int flags, scope;

	if (!cgroup)
		return c;
	scope = stk_scope_of_path(c, cgroup, &flags);
	if (!scope) {
		printf("cgroup %s: no scoped policy applies (host policies only)\n", cgroup);
		return c;
	}
	printf("cgroup %s: scoped policy '%s' applies, with the host policies%s\n", cgroup,
	       c->scope_policy[scope - 1]->name,
	       flags & STK_CGS_TIE ? " (globs of several scoped policies match on the way: the "
				     "policy loaded first wins)" : "");
	return c->scopes[scope - 1];
}

static int explain(const struct stk_compiled *top, const char *path, const char *access,
		   const char *cgroup)
{
	const struct stk_compiled *c;
	struct stk_decision d;
	int acc, first, last, i, err;

	if (cgroup && cgroup[0] != '/') {
		fprintf(stderr, "stockade: check: --cgroup takes a path relative to the cgroup v2 "
			"mount, starting with '/': '%s'\n", cgroup);
		return STK_EXIT_USAGE;
	}
	if (access) {
		acc = stk_file_access_from_name(access);
		if (acc < 0) {
			fprintf(stderr, "stockade: check: unknown access '%s'\n", access);
			return STK_EXIT_USAGE;
		}
		first = last = acc;
	} else {
		first = 0;
		last = STK_FACC_COUNT - 1;
	}
	c = scope_for(top, cgroup);
	for (i = first; i <= last; i++) {
		const struct stk_rule_ref *r;

		err = stk_explain_file(c, path, i, &d);
		if (err) {
			fprintf(stderr, "stockade: check: cannot explain '%s': %s\n", path,
				strerror(-err));
			return STK_EXIT_USAGE;
		}
		/* Every scope's rule numbers index the top table. */
		r = d.rule < top->n_rules ? &top->rules[d.rule] : NULL;
		printf("%s %s: %s%s by %s/%s\n", path, stk_file_access_name(i),
		       stk_action_name(d.action & STK_ACT_MASK),
		       d.action & STK_ACT_COMPLAIN ? " (complain: logged, not enforced)" : "",
		       r ? r->policy : "-", r ? r->id : "-");
	}
	return STK_EXIT_OK;
}

int stk_cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "explain", required_argument, NULL, 'e' },
		{ "access", required_argument, NULL, 'a' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *explain_path = NULL, *access = NULL, *cgroup = NULL;
	struct stk_diags diags = {};
	struct stk_policy_set *set = NULL;
	int opt, err, status;

	while ((opt = getopt_long(argc, argv, "e:a:c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			explain_path = optarg;
			break;
		case 'a':
			access = optarg;
			break;
		case 'c':
			cgroup = optarg;
			break;
		case 'h':
			usage(stdout);
			return STK_EXIT_OK;
		default:
			usage(stderr);
			return STK_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return STK_EXIT_USAGE;
	}
	err = stk_policy_set_load(argv + optind, argc - optind, &set, &diags);
	stk_diags_print(&diags, stderr);
	if (err) {
		fprintf(stderr, "stockade: check: %zu error(s)\n", diags.n_errors);
		stk_diags_free(&diags);
		return STK_EXIT_USAGE;
	}
	stk_diags_free(&diags);
	if (explain_path) {
		status = explain(set->compiled, explain_path, access, cgroup);
	} else {
		printf("ok: %zu policies, %zu rules\n", set->n_pols, set->n_rules);
		status = STK_EXIT_OK;
	}
	stk_policy_set_free(set);
	return status;
}
