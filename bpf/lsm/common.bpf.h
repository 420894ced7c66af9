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
	__uint(max_entries, STK_CONFIG_SLOTS);
	__type(key, __u32);
	__type(value, struct stk_config);
} stk_config SEC(".maps");

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
	__u32 zero = 0, slot;
	struct stk_config *sel = bpf_map_lookup_elem(&stk_config, &zero);

	if (!sel)
		return NULL;
	slot = *(volatile __u32 *)&sel->gen;
	if (!slot)
		return sel;
	return bpf_map_lookup_elem(&stk_config, &slot);
}

/*
 * Fills what an event says of the task beyond the helpers' ids: its
 * parent and its executable. Events are per-CPU scratch buffers, so every
 * field is written, found or not. Shared with the cgroup socket programs.
 *
 * A global function: the verifier checks it once, not at every call site
 * and on every path that reaches one (which made loading a quarter slower).
 * Each object including this header has its own copy.
 */
__noinline int stk_fill_task(struct stk_event_hdr *h)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct dentry *d = BPF_CORE_READ(exe, f_path.dentry);
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);

	if (!h)
		return 0;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
	h->exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
	h->pad_exe = 0;
	h->exe_name[0] = '\0';
	if (!name || bpf_probe_read_kernel_str(h->exe_name, sizeof(h->exe_name), name) < 0) {
		h->exe_name[0] = '\0';
		return 0;
	}
	if (BPF_CORE_READ(d, d_name.len) >= sizeof(h->exe_name))
		h->flags |= STK_EVF_EXE_TRUNCATED;
	return 0;
}

/* Fills the parts of an event header every hook shares. */
static __always_inline void stk_fill_hdr(struct stk_event_hdr *h, __u32 type, __u32 hook)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->time_boot_ns = bpf_ktime_get_boot_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->type = type;
	h->hook = hook;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->flags = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	stk_fill_task(h);
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
