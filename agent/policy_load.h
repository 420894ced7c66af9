/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * policy_load.h - read policy files and directories, parse and compile.
 */
#ifndef STK_POLICY_LOAD_H
#define STK_POLICY_LOAD_H

#include <stddef.h>

#include "policy.h"

struct stk_policy_set {
	struct stk_policy **pols;
	size_t n_pols;
	struct stk_compiled *compiled;
	size_t n_rules; /* rules written by users, over all policies */
};

/*
 * stk_policy_set_load() - load every policy named by @paths: a file, or a
 * directory whose *.json files load in name order. Every problem lands in
 * @diags with its position.
 *
 * Return: 0, -EINVAL (see @diags), or another negative errno.
 */
int stk_policy_set_load(char *const *paths, size_t n_paths, struct stk_policy_set **ret,
			struct stk_diags *diags);
void stk_policy_set_free(struct stk_policy_set *s);
/*
 * Frees what only loading needed once the kernel holds the policy: the
 * host's path table, the network tables and the policies' rules. Kept: the
 * policies' names, files and counts, the rule names events refer to, and
 * the scopes' path tables (resolved again in each container root).
 */
void stk_policy_set_release_sources(struct stk_policy_set *s);

/*
 * stk_policy_heap_setup() - set up the process's heap for loading policies;
 * call once, first thing. json-c holds a parsed policy as one small
 * allocation per value and frees them all when parsing ends. glibc defers
 * merging small freed chunks (its fast bins) until a large allocation
 * needs the room, so the compiler's first large table paid for merging a
 * whole policy's worth at once (75 of 87 ms compiling 100,000 rules,
 * bench/load.c). Without fast bins each free merges as it goes, which the
 * parse's time does not show.
 */
void stk_policy_heap_setup(void);

#endif /* STK_POLICY_LOAD_H */
