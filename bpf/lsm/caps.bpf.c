// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * caps.bpf.c - the capabilities section: lsm/capable.
 *
 * One array slot per capability number: O(1) on a hot hook. The agent's own
 * process is never denied (it needs CAP_SYS_ADMIN and CAP_BPF for its work).
 * Checks the kernel makes with CAP_OPT_NOAUDIT are probes (the kernel asks
 * "could it?" to pick a default, e.g. has_capability_noaudit()): they are
 * decided the same way, so a denied capability is never granted, but they are
 * not logged, as the kernel's own audit does not log them either.
 */
#include "ops.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define CAP_OPT_NOAUDIT 0x2

SEC("lsm/capable")
int BPF_PROG(stk_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct stk_event_cap ev;
	struct stk_config *cfg;
	__u64 slot;
	__u32 rule;
	__u8 action;

	if (ret)
		return ret; /* an earlier LSM's denial stands */
	if (cap < 0 || cap >= STK_CAP_SLOTS)
		return 0;
	/*
	 * The verifier needs a bound on the very register that indexes; the
	 * barrier keeps the compiler from dropping the (redundant) mask.
	 */
	slot = cap;
	barrier_var(slot);
	slot &= STK_CAP_SLOTS - 1;
	cfg = stk_get_config();
	if (!cfg || !stk_action_reported(cfg->ops.cap[slot].action))
		return 0;
	if (stk_current_is_agent())
		return 0;
	action = stk_op_decide(&cfg->ops.cap[slot], &rule);
	if (!(opts & CAP_OPT_NOAUDIT)) {
		stk_op_hdr(&ev.hdr, STK_EV_CAP, STK_HOOK_CAPABLE, sizeof(ev), action, rule);
		ev.capability = slot;
		ev.opts = opts;
		stk_op_send(&ev, sizeof(ev));
	}
	return stk_verdict_errno(action);
}
