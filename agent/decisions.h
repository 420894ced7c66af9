/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * decisions.h - the kernel's exact decision counters (stk_decisions,
 * stk_abi.h) as the monitor reads them: summed over CPUs, and with how
 * many suppressions the audit log has already been told about, so each
 * tick reports only the new ones.
 *
 * Memory is bounded by the map's size (STK_DECISIONS_MAX rows, twice while
 * reading), whatever the event rate.
 */
#ifndef STK_DECISIONS_H
#define STK_DECISIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stk_abi.h"

struct stk_decision_row {
	struct stk_decision_key key;
	uint64_t decisions;
	uint64_t suppressed;
	uint64_t suppressed_reported; /* already in a summary event */
};

struct stk_decision_table {
	struct stk_decision_row *rows; /* sorted by key */
	size_t n;
};

/*
 * stk_decisions_read() - replace @t's counts with the map @fd's; rows that
 * stay keep their suppressed_reported.
 * Return: 0 or a negative errno (@t unchanged).
 */
int stk_decisions_read(int fd, struct stk_decision_table *t);
void stk_decisions_free(struct stk_decision_table *t);

/*
 * stk_decisions_forget_gen() - deletes from the map @fd every row whose rule
 * is tagged with generation @gen. A reload calls it for the slot it is
 * about to fill: rows tagged so are two policies old, and their rule
 * numbers would otherwise name the new policy's rules (and the new rules'
 * counts would start from theirs). Return: rows deleted, or a negative errno.
 */
int stk_decisions_forget_gen(int fd, uint32_t gen);

/*
 * The cgroup id of the rows that hold the counts of cgroups removed since
 * (stk_decisions_retire()): no cgroup has it, the v2 root is 1.
 */
#define STK_CGROUP_RETIRED 0
/* What the status and metrics files name it (cgroup paths start with "/"). */
#define STK_CGROUP_RETIRED_NAME "(removed)"

/*
 * stk_decision_cgroup_name() - the name of a decision row's cgroup: its
 * path from @path (NULL when there is no resolver or it has none), or
 * STK_CGROUP_RETIRED_NAME for the rows of removed cgroups.
 */
static inline const char *stk_decision_cgroup_name(uint64_t cgroup_id,
						   const char *(*path)(uint64_t id, void *arg),
						   void *arg)
{
	if (cgroup_id == STK_CGROUP_RETIRED)
		return STK_CGROUP_RETIRED_NAME;
	return path ? path(cgroup_id, arg) : NULL;
}

/*
 * How many cgroups stk_decisions_retire() asks about per call, and where
 * the next call goes on: asking costs a system call per cgroup, and a host
 * with thousands of containers that hit rules would pay it every tick.
 */
struct stk_retire_pace {
	size_t max;	/* cgroups asked about per call; 0: all */
	uint64_t after; /* the last one asked about (ids ascend); 0: start over */
};

/*
 * What the monitor asks about per tick (5 s): a full map (16,384 rows) of
 * distinct cgroups is gone through in 16 ticks.
 */
#define STK_RETIRE_PER_TICK 1024

/*
 * stk_decisions_retire() - containers come and go, and the rows of a
 * removed cgroup would stay until the map is full (then decisions are
 * only counted as uncounted). Each row of a cgroup @gone says is removed,
 * all of whose suppressions were reported, is added into the row of
 * STK_CGROUP_RETIRED with the same rule, hook and action, and deleted:
 * the sums by rule stay whole and keep growing. @gone is asked about the
 * cgroups of @t in id order, after @pace->after, at most @pace->max of
 * them; @pace then says where the next call goes on. @t (read this tick)
 * is read again after. Return: rows retired, or a negative errno.
 */
int stk_decisions_retire(int fd, struct stk_decision_table *t, struct stk_retire_pace *pace,
			 bool (*gone)(uint64_t cgroup_id, void *arg), void *arg);

/* Merges @next into @t: rows of @t found in @next keep suppressed_reported (pure). */
void stk_decisions_carry(const struct stk_decision_table *t, struct stk_decision_table *next);
/* Sorts rows by key (pure); the order stk_decisions_carry() expects. */
void stk_decisions_sort(struct stk_decision_table *t);

#endif /* STK_DECISIONS_H */
