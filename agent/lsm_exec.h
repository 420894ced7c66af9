/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_exec.h - the exec rules' programs (bpf/lsm/exec.bpf.c):
 * bprm_check_security, mmap_file, file_mprotect.
 */
#ifndef STK_LSM_EXEC_H
#define STK_LSM_EXEC_H

#include <stddef.h>

#include "lsm_file.h"
#include "shared_maps.h"

struct stk_lsm_exec;

/*
 * stk_lsm_exec_load() - open and load the programs, using the rule maps
 * of the loaded file set @file (one table for every file hook) and the
 * maps in @shared. Nothing is attached yet. @why explains a failure.
 *
 * Return: 0 or a negative errno.
 */
int stk_lsm_exec_load(struct stk_lsm_exec **ret, const struct stk_lsm_file *file,
			  struct stk_shared_maps *shared, char *why, size_t why_len);
/* Attaches the programs: enforcement starts here. */
int stk_lsm_exec_attach(struct stk_lsm_exec *f, char *why, size_t why_len);
/* Detaches and frees everything; NULL is fine. */
void stk_lsm_exec_destroy(struct stk_lsm_exec *f);

#endif /* STK_LSM_EXEC_H */
