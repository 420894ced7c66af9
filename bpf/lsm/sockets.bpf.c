// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sockets.bpf.c - the sockets section: lsm/socket_create.
 *
 * Decided by address family (one array slot each) and, for SOCK_RAW, by
 * the "raw" slot; the more severe of the two wins. Sockets the kernel makes
 * for itself (kern != 0) are not the process's doing and are left alone,
 * and neither are the agent's own.
 */
#include "ops.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SOCK_RAW 3
#define SOCK_TYPE_MASK 0xf /* without SOCK_NONBLOCK / SOCK_CLOEXEC */

SEC("lsm/socket_create")
int BPF_PROG(stk_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct stk_op_verdict v = { .rule = STK_RULE_NONE, .action = STK_ACT_NONE };
	struct stk_event_sock ev;
	struct stk_config *cfg;
	__u32 decided = 0, rule;
	__u64 slot;
	__u8 action;

	if (ret)
		return ret; /* an earlier LSM's denial stands */
	if (kern)
		return 0;
	cfg = stk_get_config();
	if (!cfg)
		return 0;
	if (family >= 0 && family < STK_SOCK_FAMILY_SLOTS) {
		slot = family;
		barrier_var(slot); /* see caps.bpf.c */
		slot &= STK_SOCK_FAMILY_SLOTS - 1;
		if (stk_action_reported(cfg->ops.sock_family[slot].action)) {
			v = cfg->ops.sock_family[slot];
			decided = STK_SOCK_BY_FAMILY;
		}
	}
	if ((type & SOCK_TYPE_MASK) == SOCK_RAW &&
	    stk_action_reported(cfg->ops.sock_raw.action) &&
	    stk_action_rank(cfg->ops.sock_raw.action) >= stk_action_rank(v.action)) {
		if (stk_action_rank(cfg->ops.sock_raw.action) > stk_action_rank(v.action))
			decided = 0;
		v = cfg->ops.sock_raw;
		decided |= STK_SOCK_BY_RAW;
	}
	if (!decided)
		return 0;
	/* The agent reports readiness and logs through unix sockets. */
	if (stk_current_is_agent())
		return 0;
	action = stk_op_decide(&v, &rule);
	stk_op_hdr(&ev.hdr, STK_EV_NET, STK_HOOK_SOCKET_CREATE, sizeof(ev), action, rule);
	ev.family = family;
	ev.type = type & SOCK_TYPE_MASK;
	ev.protocol = protocol;
	ev.decided = decided;
	stk_op_send(&ev, sizeof(ev));
	return stk_verdict_errno(action);
}
