/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stk_glob.h - the cgroup glob automaton, one step at a time.
 *
 * The same inline code runs in the kernel (bpf/lsm/scope.bpf.c, when a
 * cgroup is created) and in user space (policy/scope.c, for the cgroups that
 * exist when the agent starts, and for the unit tests), so both always agree.
 * The masks come from stk_glob_compile() (policy/scope.c); see stk_abi.h.
 */
#ifndef STK_GLOB_H
#define STK_GLOB_H

#include "stk_abi.h"

/*
 * Adds every state reachable without reading a character: past a "*" or
 * a "**" (one bit), past a slash and its "**" component (two bits).
 * Validation keeps at most two skippable elements in a row (a "*" at the
 * end of a component, then a "**" component), so three rounds always reach
 * the fixed point.
 */
static inline __u64 stk_glob_close(const struct stk_glob_prog *g, __u64 d)
{
	int i;

	for (i = 0; i < 3; i++)
		d |= ((d & (g->star | g->any)) << 1) | ((d & g->skip2) << 2);
	return d;
}

/* The state before the first character: 0 for an unused glob slot. */
static inline __u64 stk_glob_start(const struct stk_glob_prog *g)
{
	return g->accept ? stk_glob_close(g, 1) : 0;
}

/* The state after reading @ch in state @d. */
static inline __u64 stk_glob_step(const struct stk_glob_prog *g, __u64 d, unsigned char ch)
{
	__u64 stay = g->any | (ch != '/' ? g->star : 0);

	return stk_glob_close(g, ((d & g->lit[ch]) << 1) | (d & stay));
}

static inline int stk_glob_accepts(const struct stk_glob_prog *g, __u64 d)
{
	return (d & g->accept) != 0;
}

/*
 * Folds glob @g's verdict on one cgroup into the scope being chosen for it:
 * the lowest matching scope wins, and a match of another scope marks a tie.
 */
static inline void stk_glob_vote(const struct stk_glob_prog *g, __u64 d, __u16 *scope,
				 __u16 *flags)
{
	if (!stk_glob_accepts(g, d) || !g->scope)
		return;
	if (*scope && *scope != g->scope)
		*flags |= STK_CGS_TIE;
	if (!*scope || g->scope < *scope)
		*scope = g->scope;
}

#endif /* STK_GLOB_H */
