/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_walk_set.h - a program set that judges files with the file set's
 * rule maps: bpf/lsm/file_ops.bpf.c (create, delete, rename, link, attr,
 * truncate) and bpf/lsm/exec.bpf.c (exec). Such a set owns no rule data,
 * so one wrapper serves them all, loading each from its skeleton's ELF
 * bytes.
 */
#ifndef STK_LSM_WALK_SET_H
#define STK_LSM_WALK_SET_H

#include <stddef.h>

#include "lsm_file.h"
#include "shared_maps.h"

struct stk_lsm_walk_set;

/*
 * stk_lsm_walk_set_load() - open the BPF object @elf (@size bytes, named
 * @name), make its rule maps the loaded file set @file's and its shared
 * maps those in @shared, and load it. Nothing is attached yet. @why
 * explains a failure.
 *
 * Return: 0 or a negative errno.
 */
int stk_lsm_walk_set_load(struct stk_lsm_walk_set **ret, const char *name, const void *elf,
			  size_t size, const struct stk_lsm_file *file,
			  struct stk_shared_maps *shared, char *why, size_t why_len);
/* Attaches every program of the set: enforcement starts here. */
int stk_lsm_walk_set_attach(struct stk_lsm_walk_set *s, char *why, size_t why_len);
/* Detaches and frees everything; NULL is fine. */
/* Pins the set's maps and links under @dir (see pin.h); NULL is fine. */
int stk_lsm_walk_set_pin(const struct stk_lsm_walk_set *s, const char *dir);
void stk_lsm_walk_set_destroy(struct stk_lsm_walk_set *s);

#endif /* STK_LSM_WALK_SET_H */
