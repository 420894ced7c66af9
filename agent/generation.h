/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * generation.h - two policy generations in the same maps, one switch.
 *
 * Every rule-map key carries the generation it belongs to, and the config
 * map has a slot per generation plus a selector (stk_abi.h). A reload
 * writes the inactive generation, switches the selector (one aligned u32:
 * a program sees the old or the new value, never a mix), waits until no
 * program can still be running on the old one, then deletes it.
 */
#ifndef STK_GENERATION_H
#define STK_GENERATION_H

#include <stddef.h>
#include <stdint.h>

#include "stk_abi.h"

#define STK_GEN_FIRST 1u

static inline uint32_t stk_gen_other(uint32_t gen)
{
	return gen == 1 ? 2 : 1;
}

/* The active generation (1 or 2), from the selector. */
int stk_gen_active(int config_fd, uint32_t *ret);
/* Writes @cfg as generation @gen's settings (sets cfg->gen). */
int stk_gen_write_config(int config_fd, uint32_t gen, struct stk_config *cfg);
/*
 * Makes @gen the active generation, then returns only once every program
 * invocation that might have read the old selector has finished.
 */
int stk_gen_switch(int config_fd, uint32_t gen);
/* Deletes every entry of generation @gen from the hash map @fd (keys start with stk_inode_key). */
int stk_gen_delete(int fd, size_t key_size, uint32_t gen);
/* Entries in the hash map @fd. */
int stk_gen_count(int fd, size_t key_size, size_t *ret);

#endif /* STK_GENERATION_H */
