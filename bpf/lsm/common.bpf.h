/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * common.bpf.h - maps and helpers every stockade LSM program shares.
 *
 * Each skeleton gets its own copy of these map definitions; the agent makes
 * them one by handing the first skeleton's map fds to the others
 * (bpf_map__reuse_fd) before load.
 */
#ifndef STK_COMMON_BPF_H
#define STK_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "stk_abi.h"

#define EPERM 1
#define ENAMETOOLONG 36

/* Denial and audit events for the agent. Sized by the agent before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} stk_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STK_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stk_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STK_CONFIG_ENTRIES);
	__type(key, __u32);
	__type(value, struct stk_config);
} stk_config SEC(".maps");

/*
 * Cgroup id -> scope (stk_abi.h). Filled by the agent for the cgroups that
 * exist when it starts, and by bpf/lsm/scope.bpf.c inside mkdir(2) for
 * every cgroup created later. Shared by all sets (agent/shared_maps.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct stk_cgroup_scope);
} stk_cgroup_scopes SEC(".maps");

/*
 * The agent's own process, marked by the agent before anything is attached:
 * task storage of its thread group leader (keyed from user space by a
 * pidfd). Storage dies with the task, so a recycled pid number is never
 * mistaken for the agent. Shared by all sets (agent/shared_maps.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} stk_agent_tasks SEC(".maps");

/* Whether the current task belongs to the stockade agent's process. */
static __always_inline bool stk_current_is_agent(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 *mark;

	/* Threads share the leader's mark: look the group leader up. */
	mark = bpf_task_storage_get(&stk_agent_tasks, task->group_leader, 0, 0);
	return mark && *mark == STK_AGENT_MARK;
}

static __always_inline void stk_count(enum stk_counter which)
{
	__u32 key = which;
	__u64 *n = bpf_map_lookup_elem(&stk_counters, &key);

	if (n)
		*n += 1;
}

/*
 * The active generation's settings; its gen is the gen of every map key the
 * invocation may look up. Call once per invocation and keep the pointer:
 * a reload never rewrites the active slot (stk_abi.h).
 */
static __always_inline struct stk_config *stk_get_config(void)
{
	__u32 zero = 0, slot, index;
	struct stk_config *sel = bpf_map_lookup_elem(&stk_config, &zero), *cfg;
	struct stk_cgroup_scope *cs;
	__u64 cgid;

	if (!sel)
		return NULL;
	slot = *(volatile __u32 *)&sel->gen;
	if (!slot)
		return sel;
	/*
	 * The scope of the task's cgroup right now: a task moved to another
	 * cgroup is judged by its new place from its next hook on.
	 */
	cgid = bpf_get_current_cgroup_id();
	cs = bpf_map_lookup_elem(&stk_cgroup_scopes, &cgid);
	if (cs && cs->scope) {
		index = (cs->scope % STK_SCOPE_MAX) * STK_CONFIG_SLOTS + (slot & 3);
		cfg = bpf_map_lookup_elem(&stk_config, &index);
		/* Written with this generation: else the host's (cannot happen, see reload). */
		if (cfg && cfg->gen == slot)
			return cfg;
	}
	return bpf_map_lookup_elem(&stk_config, &slot);
}

/* Fills the parts of an event header every hook shares. */
static __always_inline void stk_fill_hdr(struct stk_event_hdr *h, __u32 type, __u32 hook)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->time_boot_ns = bpf_ktime_get_boot_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->type = type;
	h->hook = hook;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->flags = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/*
 * Turns a decided action byte into the hook's return value. Complain mode
 * and audit never deny; the event, if any, is sent by the caller first.
 */
static __always_inline int stk_verdict_errno(__u8 action)
{
	if ((action & STK_ACT_MASK) == STK_ACT_DENY && !(action & STK_ACT_COMPLAIN))
		return -EPERM;
	return 0;
}

/* Whether a decided action byte needs an event. */
static __always_inline int stk_action_reported(__u8 action)
{
	__u8 a = action & STK_ACT_MASK;

	return a == STK_ACT_DENY || a == STK_ACT_AUDIT;
}

#endif /* STK_COMMON_BPF_H */
