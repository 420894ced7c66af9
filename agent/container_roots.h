/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * container_roots.h - scoped policies' paths resolved in containers' roots.
 *
 * The kernel side is the exec gate in bpf/lsm/exec.bpf.c (stk_abi.h,
 * "Container roots"): it records the root of a scoped cgroup at its first
 * exec and stops the task until the monitor has added the scope's keys for
 * that root. This is the monitor's side: it serves those requests, gives
 * every recorded root its keys in each new generation a reload fills, covers
 * containers that ran before the agent started, and forgets the records of
 * cgroups that are gone.
 */
#ifndef STK_CONTAINER_ROOTS_H
#define STK_CONTAINER_ROOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

struct stk_roots;

/*
 * stk_roots_open() - opens the gate's maps pinned under @pin_dir and tells
 * the kernel the agent's own root (whose keys the agent's resolution made).
 * @cgroup_mount: the cgroup v2 mount. Return: 0, -ENOENT when the pins
 * predate the gate, or another negative errno.
 */
int stk_roots_open(struct stk_roots **ret, const char *pin_dir, const char *cgroup_mount);
void stk_roots_close(struct stk_roots *r);
/*
 * stk_roots_stop() - closes @r (NULL is fine). @unloading: the programs are
 * about to go, so the gate is switched off and the tasks it stopped are
 * continued; else (pins kept) what waits is served by the next agent.
 */
void stk_roots_stop(struct stk_roots *r, bool unloading);

/* The policy in force, whose scopes' paths are resolved (not owned). */
void stk_roots_set_policy(struct stk_roots *r, const struct stk_compiled *c);

/* Readable when requests wait: for the monitor's poll. */
int stk_roots_wake_fd(const struct stk_roots *r);

/* Serves every waiting request, then continues the stopped tasks. */
void stk_roots_serve(struct stk_roots *r);

/*
 * stk_roots_scan_existing() - for processes that were running before the
 * agent started: records the root of each scoped cgroup whose processes
 * have one of their own (its oldest process's) and adds its keys to the
 * generation in force.
 */
int stk_roots_scan_existing(struct stk_roots *r);

/*
 * stk_roots_fill_generation() - during a reload, before the switch: adds
 * every recorded root's keys of policy @c to generation @gen (not in
 * force yet) and marks them ready there. Matches the enforcer's
 * stk_enforcer_input.fill_extra.
 */
int stk_roots_fill_generation(void *roots, const struct stk_compiled *c, uint32_t gen);

/* Forgets the records of cgroups that no longer exist (the monitor's tick). */
void stk_roots_prune(struct stk_roots *r);

#endif /* STK_CONTAINER_ROOTS_H */
