/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * net_gen.h - network rules as policy generations, so a reload switches
 * them with the file rules in the one selector write (docs/design.md).
 *
 * Each of stk_net_classes and stk_net_segs is two halves, generation g's
 * at (g - 1) * half; the trie keys' table carries the generation in its
 * top bits (STK_NET_TABLE_GEN_SHIFT); stk_net_scopes has a slot per scope
 * and generation like stk_config. The agent rebases class ids and segment
 * indexes as it writes, so the programs only pick the slot.
 */
#ifndef STK_NET_GEN_H
#define STK_NET_GEN_H

#include <stdint.h>

#include "network.h"

/* Entries each map has beyond twice the policy's. */
#define STK_NET_MAP_HEADROOM 256

/* Maps of the network programs, as fds. */
struct stk_net_fds {
	int v4, v6, classes, segs, scopes;
};

/* Entries each map needs for @n: room for a reload beside the policy. */
uint32_t stk_net_gen_room(size_t n);
/* Writes @n as generation @gen into empty slots of the maps (-E2BIG: no room). */
int stk_net_gen_fill(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		     uint32_t gen);
/* Writes @n as the first generation, also in force while the selector is 0. */
int stk_net_gen_first(const struct stk_net_fds *fds, const struct stk_net_compiled *n);
/* Opens the pinned maps; -ENOENT when the network programs are not loaded. */
int stk_net_gen_open(const char *pin_dir, struct stk_net_fds *fds);
void stk_net_gen_close(struct stk_net_fds *fds);
/* Removes generation @gen's trie entries (the arrays' halves are just unused). */
int stk_net_gen_forget(const struct stk_net_fds *fds, uint32_t gen);

#endif /* STK_NET_GEN_H */
