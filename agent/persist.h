/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * persist.h - start enforcement so that it outlives the agent.
 *
 * If an earlier agent left pins (it was killed, crashed, or ran with
 * --persist), they are adopted: nothing is detached or attached, so there
 * is no unenforced moment; if they enforce another policy, it is switched
 * to ours as a reload does (one atomic step). Only if ours does not fit
 * their maps are new programs attached first and the old ones removed
 * after: for that moment both apply (the stricter wins), never neither.
 * Without pins everything is loaded, attached and pinned.
 */
#ifndef STK_PERSIST_H
#define STK_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enforcer.h"

/* Reads what is still buffered in the ring buffer @events_fd of replaced programs. */
typedef void (*stk_drain_fn)(int events_fd, void *arg);

int stk_persist_start(struct stk_enforcer **ret, const struct stk_enforcer_input *in,
		      const char *pin_dir, stk_drain_fn drain, void *arg, char *why,
		      size_t why_len);

/* After a reload: the pins now enforce the policy of @digest. */
int stk_persist_record(const char *pin_dir, uint64_t digest);

/* Sum over CPUs of counter @which (enum stk_counter) in the per-CPU array @fd. */
int stk_counter_read(int fd, uint32_t which, uint64_t *ret);

#endif /* STK_PERSIST_H */
