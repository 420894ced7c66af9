/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ops.bpf.h - what the capabilities, kernel and sockets programs share:
 * reading a verdict slot of stk_config.ops and sending a small event.
 */
#ifndef STK_OPS_BPF_H
#define STK_OPS_BPF_H

#include "common.bpf.h"

/* Fills the header of an op event decided by @action / @rule. */
static __always_inline void stk_op_hdr(struct stk_event_hdr *h, __u32 type, __u32 hook,
				       __u32 size, __u8 action, __u32 rule)
{
	stk_fill_hdr(h, type, hook);
	h->size = size;
	h->rule = rule;
	h->action = action;
	h->enforced = stk_verdict_errno(action) != 0;
}

/* Sends a whole fixed-size event; a full ring buffer is counted, never fatal. */
static __always_inline void stk_op_send(void *ev, __u32 size)
{
	const struct stk_event_hdr *h = ev;

	if (!stk_event_admit(h->hook, h->rule, h->action))
		return;
	if (bpf_ringbuf_output(&stk_events, ev, size, 0))
		stk_count(STK_CNT_LOST);
	else
		stk_count(STK_CNT_EVENTS);
}

/* The decision of slot @v: counts a denial; returns the action byte. */
static __always_inline __u8 stk_op_decide(const struct stk_op_verdict *v, __u32 *rule)
{
	__u8 action = v->action;

	*rule = v->rule;
	if (stk_verdict_errno(action))
		stk_count(STK_CNT_DENIED);
	return action;
}

#endif /* STK_OPS_BPF_H */
