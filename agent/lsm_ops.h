/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_ops.h - the programs of the capabilities, kernel and sockets sections
 * (bpf/lsm/caps.bpf.c, kops.bpf.c, sockets.bpf.c).
 *
 * Their verdicts live in the shared stk_config (stk_config.ops); a set is
 * only loaded when some policy has a rule for it, so hot hooks such as
 * capable stay untouched otherwise.
 */
#ifndef STK_LSM_OPS_H
#define STK_LSM_OPS_H

#include <stddef.h>

#include "shared_maps.h"
#include "stk_abi.h"

struct stk_lsm_ops;

/*
 * stk_lsm_ops_load() - open and load the sets @ops needs, sharing the maps
 * in @shared (including the agent mark). Nothing is attached yet.
 * On failure @why says what went wrong.
 *
 * Return: 0 or a negative errno.
 */
int stk_lsm_ops_load(struct stk_lsm_ops **ret, const struct stk_ops_config *ops,
		     struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
		     size_t why_len);
/* Attaches what was loaded: enforcement of these sections starts here. */
int stk_lsm_ops_attach(struct stk_lsm_ops *o, char *why, size_t why_len);
/* Detaches and frees everything; NULL is fine. */
/* Pins the sets' maps and links under @dir (see pin.h); NULL is fine. */
int stk_lsm_ops_pin(const struct stk_lsm_ops *o, const char *dir);
void stk_lsm_ops_destroy(struct stk_lsm_ops *o);

#endif /* STK_LSM_OPS_H */
