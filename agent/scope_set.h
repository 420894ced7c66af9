/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * scope_set.h - which scope each cgroup is in (bpf/lsm/scope.bpf.c).
 *
 * Load: the globs go into stk_scope_globs. Attach: the mkdir/rmdir tracers
 * first, then every existing cgroup gets its entry in stk_cgroup_scopes,
 * parents before their children, so a cgroup created at any moment is
 * covered either by the tracer (its parent has an entry) or by the walk (it
 * lists a directory only after writing the directory's entry).
 */
#ifndef STK_SCOPE_SET_H
#define STK_SCOPE_SET_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "shared_maps.h"

struct stk_scope_set;

int stk_scope_set_load(struct stk_scope_set **ret, const struct stk_compiled *c,
		       struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
		       size_t why_len);
/* Attaches the tracers, then fills the entries of the cgroups under @mount. */
int stk_scope_set_attach(struct stk_scope_set *s, const char *mount, char *why, size_t why_len);
int stk_scope_set_pin(const struct stk_scope_set *s, const char *dir);
void stk_scope_set_destroy(struct stk_scope_set *s);

/* The maps a walk writes: stk_cgroup_states and stk_cgroup_scopes. */
struct stk_scope_maps {
	int states_fd;
	int scopes_fd;
};

/*
 * stk_scope_walk() - writes every cgroup under @mount: its results of both
 * generation slots into stk_cgroup_states (slot @slot's from @c's globs,
 * the other from @other, @n_other globs), and its slot @slot entry into
 * stk_cgroup_scopes; the other slot's entries are not touched. @flags:
 * BPF_ANY replaces the entries there (the inactive slot), BPF_NOEXIST
 * keeps them (the first fill, in force at once). Cgroups matching the
 * globs of two of @c's scopes are logged (the lower scope applies).
 * Return: 0 or -errno.
 */
int stk_scope_walk(const struct stk_scope_maps *maps, const char *mount, uint32_t slot,
		   const struct stk_compiled *c, const struct stk_glob_prog *other,
		   size_t n_other, uint64_t flags);

/*
 * stk_scope_reload() - makes @c's globs generation @next's scope assignment
 * in the maps pinned under @pin_dir: writes them to @next's glob slot, then
 * writes @next's entry of every cgroup under @mount (the entries in force
 * are not touched; without globs in either generation, none is written). Nothing switches: the selector write that
 * switches the rules switches this too. Return: 0 or -errno, said in @why.
 */
int stk_scope_reload(const char *pin_dir, const char *mount, uint32_t next,
		     const struct stk_compiled *c, char *why, size_t why_len);

#endif /* STK_SCOPE_SET_H */
