/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * verifier_stats.h - what the kernel's verifier checked, for `stockade run -v`.
 */
#ifndef STK_VERIFIER_STATS_H
#define STK_VERIFIER_STATS_H

struct bpf_object;

/*
 * Logs at debug level (-v) how many instructions the verifier checked in
 * each loaded program of @obj: most of the agent's start is the verifier's,
 * and kernels differ by several times on the same code (docs/performance.md).
 */
void stk_log_verified(struct bpf_object *obj);

#endif /* STK_VERIFIER_STATS_H */
