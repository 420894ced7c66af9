/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_file_ops.h - the programs for file accesses other than open
 * (bpf/lsm/file_ops.bpf.c): create, delete, rename, link, attr, truncate.
 */
#ifndef STK_LSM_FILE_OPS_H
#define STK_LSM_FILE_OPS_H

#include <stddef.h>

#include "lsm_file.h"
#include "shared_maps.h"

struct stk_lsm_file_ops;

/*
 * stk_lsm_file_ops_load() - open and load the programs, using the rule maps
 * of the loaded file set @file (one table for every file hook) and the
 * maps in @shared. Nothing is attached yet. @why explains a failure.
 *
 * Return: 0 or a negative errno.
 */
int stk_lsm_file_ops_load(struct stk_lsm_file_ops **ret, const struct stk_lsm_file *file,
			  struct stk_shared_maps *shared, char *why, size_t why_len);
/* Attaches the programs: enforcement starts here. */
int stk_lsm_file_ops_attach(struct stk_lsm_file_ops *f, char *why, size_t why_len);
/* Detaches and frees everything; NULL is fine. */
void stk_lsm_file_ops_destroy(struct stk_lsm_file_ops *f);

#endif /* STK_LSM_FILE_OPS_H */
