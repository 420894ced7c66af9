/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_file.h - the file rules' BPF programs (bpf/lsm/file.bpf.c).
 */
#ifndef STK_LSM_FILE_H
#define STK_LSM_FILE_H

#include <stddef.h>

#include "resolve.h"

struct stk_lsm_file;

/*
 * stk_lsm_file_load() - open and load the programs, sized for @m, and fill
 * their maps with @m and @cfg. Nothing is attached yet.
 * On failure @why says what went wrong in words a user can act on.
 *
 * Return: 0 or a negative errno.
 */
int stk_lsm_file_load(struct stk_lsm_file **ret, const struct stk_file_maps *m,
		      const struct stk_config *cfg, size_t ringbuf_bytes, char *why, size_t why_len);
/* Attaches the programs: enforcement starts here. */
int stk_lsm_file_attach(struct stk_lsm_file *f, char *why, size_t why_len);
/* The ring buffer's map fd, for the event reader. */
int stk_lsm_file_events_fd(const struct stk_lsm_file *f);
/* The per-CPU counters' map fd (enum stk_counter). */
int stk_lsm_file_counters_fd(const struct stk_lsm_file *f);
/* Detaches and frees everything; NULL is fine. */
void stk_lsm_file_destroy(struct stk_lsm_file *f);

#endif /* STK_LSM_FILE_H */
