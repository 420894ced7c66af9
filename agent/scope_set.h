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

/*
 * stk_scope_walk() - writes the entry of every cgroup under @mount into the
 * stk_cgroup_scopes map @fd: generation @slot's half from @c's globs, the
 * other half from @other (@n_other globs). Each entry is written whole.
 * Cgroups matching the globs of two of @c's scopes are logged (the lower
 * scope applies). Return: 0 or -errno.
 */
int stk_scope_walk(int fd, const char *mount, uint32_t slot, const struct stk_compiled *c,
		   const struct stk_glob_prog *other, size_t n_other);

/*
 * stk_scope_reload() - makes @c's globs generation @next's scope assignment
 * in the maps pinned under @pin_dir: writes them to @next's glob slot, then
 * fills @next's half of the entry of every cgroup under @mount (the active
 * half is rewritten unchanged). Nothing switches: the selector write that
 * switches the rules switches this too. Return: 0 or -errno, said in @why.
 */
int stk_scope_reload(const char *pin_dir, const char *mount, uint32_t next,
		     const struct stk_compiled *c, char *why, size_t why_len);

#endif /* STK_SCOPE_SET_H */
