/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_file.h - the file rules' BPF programs (bpf/lsm/file.bpf.c).
 */
#ifndef STK_LSM_FILE_H
#define STK_LSM_FILE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "resolve.h"
#include "shared_maps.h"

struct stk_lsm_file;
struct bpf_object_skeleton;

/*
 * stk_lsm_file_load() - open and load the programs, sized for @m, sharing
 * the maps in @shared (and filling it in if this set is the first), then
 * fill the rule maps with @m. Nothing is attached yet.
 * On failure @why says what went wrong in words a user can act on.
 *
 * Return: 0 or a negative errno.
 */
int stk_lsm_file_load(struct stk_lsm_file **ret, const struct stk_file_maps *m,
		      struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
		      size_t why_len);
/*
 * The rule maps (stk_file_inodes, stk_file_names) and the walk's caches
 * (stk_file_anc, stk_file_self) of a loaded set, for the other sets that
 * judge files by the same walk (bpf/lsm/file_walk.bpf.h).
 */
void stk_lsm_file_rule_fds(const struct stk_lsm_file *f, int *ret_inodes_fd, int *ret_names_fd,
			   int *ret_anc_fd, int *ret_self_fd);
/* Rule-map room beyond twice the policy, for a reload that grows it. */
#define STK_FILE_MAP_HEADROOM 1024

/* Writes @m into the rule maps as generation @gen. */
int stk_lsm_file_fill(int inodes_fd, int names_fd, const struct stk_file_maps *m, uint32_t gen);
/*
 * For reload, through the pins under @pin_dir: write @m as generation @gen
 * (all or nothing), or delete generation @gen.
 */
int stk_lsm_file_refill(const char *pin_dir, const struct stk_file_maps *m, uint32_t gen);
int stk_lsm_file_forget(const char *pin_dir, uint32_t gen);
/*
 * Adds @m's entries to generation @gen through the pins under @pin_dir,
 * beside what it holds. A key it holds already with another value: @merge
 * combines them (the most severe verdict wins; only for a generation not
 * in force), else it stays and is counted in @conflicts.
 */
int stk_lsm_file_add(const char *pin_dir, const struct stk_file_maps *m, uint32_t gen, bool merge,
		     size_t *conflicts);
/* Attaches the programs: enforcement starts here. */
int stk_lsm_file_attach(struct stk_lsm_file *f, char *why, size_t why_len);
/* For pinning (pin.h). */
const struct bpf_object_skeleton *stk_lsm_file_skeleton(const struct stk_lsm_file *f);
/* Detaches and frees everything; NULL is fine. */
void stk_lsm_file_destroy(struct stk_lsm_file *f);

#endif /* STK_LSM_FILE_H */
