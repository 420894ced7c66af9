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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stk_abi.h"

#define STK_GEN_FIRST 1u

static inline uint32_t stk_gen_other(uint32_t gen)
{
	return gen == 1 ? 2 : 1;
}

/*
 * Rule numbers in the maps carry their generation in the top bits, so the
 * event reader can tell an event decided by the other generation (in
 * flight during a reload) from its own, and not name a rule of the wrong
 * policy. Untagged numbers (generation 0) are taken as they are.
 */
#define STK_GEN_RULE_SHIFT 30
#define STK_GEN_RULE_MASK ((1u << STK_GEN_RULE_SHIFT) - 1)

static inline __u32 stk_gen_tag_rule(__u32 rule, uint32_t gen)
{
	return rule == STK_RULE_NONE ? rule : (rule & STK_GEN_RULE_MASK) | gen << STK_GEN_RULE_SHIFT;
}

/* Tags every rule number of @v with @gen. */
static inline void stk_gen_tag_verdict(struct stk_file_verdict *v, uint32_t gen)
{
	int i;

	for (i = 0; i < STK_FACC_COUNT; i++)
		v->rule[i] = stk_gen_tag_rule(v->rule[i], gen);
}

/* The active generation (1 or 2), from the selector. */
int stk_gen_active(int config_fd, uint32_t *ret);
/*
 * Writes @cfg as generation @gen's settings for scope @scope (sets
 * cfg->gen and cfg->scope): config map index scope * STK_CONFIG_SLOTS + gen.
 */
int stk_gen_write_config(int config_fd, uint32_t gen, uint32_t scope, struct stk_config *cfg);
/*
 * Makes @gen the active generation, then returns only once every program
 * invocation that might have read the old selector has finished.
 */
int stk_gen_switch(int config_fd, uint32_t gen);
/*
 * Tells the programs that the file keys of the generation in force changed
 * (keys were added to it): advances the selector's file_epoch, which drops
 * what the file walk's ancestry cache holds (bpf/lsm/file_cache.bpf.h). A
 * switch does this itself.
 */
int stk_gen_file_keys_changed(int config_fd);
typedef bool (*stk_key_pred)(const void *key, void *arg);
/*
 * Whether @err from a batch operation means the kernel has none for the
 * map's type (or no batch operations at all): then one element at a time.
 */
bool stk_map_no_batch(int err);
/*
 * stk_map_delete_picked() - deletes the keys of the map @fd (@key_size
 * bytes) that @doomed says so of: every key read first (a batch per system
 * call where the kernel has batch lookups for the map's type), then the
 * doomed ones deleted in one call where it can; nothing else may delete
 * from @fd meanwhile. @ret_deleted (may be NULL): how many were.
 * Return: 0 or a negative errno.
 */
int stk_map_delete_picked(int fd, size_t key_size, stk_key_pred doomed, void *arg,
			  size_t *ret_deleted);
/*
 * stk_map_update_all() - writes @n keys and values (@key_size, @val_size
 * bytes each, laid out one after the other) into @fd with @elem_flags: one
 * system call, or one per entry where the kernel has no batch updates for
 * the map's type. The kernel's batch takes BPF_ANY or BPF_F_LOCK only
 * (BPF_NOEXIST is EINVAL, which reads as "no batch"): other flags are
 * -EINVAL here, so that no caller falls back to one call per entry.
 * Return: 0 or a negative errno.
 */
int stk_map_update_all(int fd, const void *keys, const void *vals, size_t n, size_t key_size,
		       size_t val_size, __u64 elem_flags);
/* Deletes every entry of generation @gen from the hash map @fd (keys start with stk_inode_key). */
int stk_gen_delete(int fd, size_t key_size, uint32_t gen);
/* Entries in the hash map @fd. */
int stk_gen_count(int fd, size_t key_size, size_t *ret);

#endif /* STK_GENERATION_H */
