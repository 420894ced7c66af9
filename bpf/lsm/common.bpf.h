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
 * {cgroup id, generation slot} -> scope (stk_abi.h): up to 65,536 cgroups,
 * an entry per generation each, small so that the allocator always has
 * one ready for the tracer. Filled by the agent for the cgroups that exist
 * when it starts or reloads, and by bpf/lsm/scope.bpf.c inside mkdir(2)
 * for every cgroup created later. Shared by all sets
 * (agent/shared_maps.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_cgroup_key);
	__type(value, struct stk_cgroup_entry);
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

/*
 * On verdicts (40 bytes of u32 rules and u8 actions) kept in BPF-only
 * structs: copied in five 8-byte moves instead of ten 4-byte halves.
 */
#define STK_ALIGNED8 __attribute__((aligned(8)))

/* PF_KTHREAD (include/linux/sched.h), a #define: not in BTF. */
#define STK_PF_KTHREAD 0x00200000

/* Whether the current task is a kernel thread (nfsd, kworkers). */
static __always_inline bool stk_current_is_kthread(void)
{
	return bpf_get_current_task_btf()->flags & STK_PF_KTHREAD;
}

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

/* Decisions reported (deny, audit), per (rule, cgroup, hook, action): exact. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, STK_DECISIONS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_decision_key);
	__type(value, struct stk_decision_count);
} stk_decisions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stk_rate_config);
} stk_rate SEC(".maps");

/*
 * A (rule, cgroup)'s bucket: when its next event is due (GCRA's
 * "theoretical arrival time"). No lock: LRU maps cannot hold one, and
 * another CPU racing on the same bucket can at worst let one extra event
 * through; the decision counts stay exact whatever the bucket says.
 */
struct stk_rate_bucket {
	__u64 tat_ns;
};

struct stk_rate_key {
	__u64 cgroup_id;
	__u32 rule;
	__u32 hook; /* self-protection's refusals only (they have no rule); else 0 */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STK_RATE_BUCKETS_MAX);
	__type(key, struct stk_rate_key);
	__type(value, struct stk_rate_bucket);
} stk_rate_buckets SEC(".maps");

/* Adds one decision to @k's counts; a full map is counted, never silent. */
static __always_inline void stk_count_decision(const struct stk_decision_key *k, bool suppressed)
{
	struct stk_decision_count *c, one = { .decisions = 1, .suppressed = suppressed };
	long err;

	c = bpf_map_lookup_elem(&stk_decisions, k);
	if (!c) {
		/* A new element holds @one on this CPU and zero on the others. */
		err = bpf_map_update_elem(&stk_decisions, k, &one, BPF_NOEXIST);
		if (!err)
			return;
		/* -EEXIST: another CPU created it in between. */
		c = bpf_map_lookup_elem(&stk_decisions, k);
		if (!c) {
			stk_count(STK_CNT_UNCOUNTED);
			return;
		}
	}
	/* Per CPU, but a program may be preempted by another on the same CPU. */
	__sync_fetch_and_add(&c->decisions, 1);
	if (suppressed)
		__sync_fetch_and_add(&c->suppressed, 1);
}

/*
 * Whether the token bucket of @k lets one more event through now, at one
 * event per @interval_ns with bursts of @burst (0: no limit).
 */
static __always_inline bool stk_rate_admit(const struct stk_rate_key *k, __u64 interval_ns,
					   __u64 burst)
{
	struct stk_rate_bucket *b, fresh = {};
	__u64 now, tat, tolerance;
	bool admit;

	if (!interval_ns)
		return true;
	now = bpf_ktime_get_ns();
	/* A burst of B events fits when the next-due time is at most B - 1 intervals ahead. */
	tolerance = interval_ns * (burst ? burst - 1 : 0);
	b = bpf_map_lookup_elem(&stk_rate_buckets, k);
	if (!b) {
		fresh.tat_ns = now + interval_ns;
		bpf_map_update_elem(&stk_rate_buckets, k, &fresh, BPF_NOEXIST);
		return true;
	}
	tat = *(volatile __u64 *)&b->tat_ns;
	if (tat < now)
		tat = now;
	admit = tat - now <= tolerance;
	if (admit)
		*(volatile __u64 *)&b->tat_ns = tat + interval_ns;
	return admit;
}

/*
 * Counts a reported decision of (@hook, @rule, @action) in cgroup
 * @cgroup_id and returns whether its event may be sent; @guard: a
 * self-protection refusal (its bucket is per hook, and it has a limit of
 * its own when stk_rate sets none: STK_GUARD_INTERVAL_NS).
 */
static __always_inline bool stk_admit_in(__u64 cgroup_id, __u32 hook, __u32 rule, __u8 action,
					 bool guard)
{
	struct stk_decision_key k = {
		.cgroup_id = cgroup_id,
		.rule = rule,
		.hook = hook,
		.action = action,
	};
	struct stk_rate_key rk = { .cgroup_id = k.cgroup_id, .rule = rule };
	struct stk_rate_config *cfg;
	__u64 interval = 0, burst = 0;
	__u32 zero = 0;
	bool admit;

	cfg = bpf_map_lookup_elem(&stk_rate, &zero);
	if (cfg) {
		interval = cfg->interval_ns;
		burst = cfg->burst;
	}
	if (guard) {
		rk.hook = hook;
		if (!interval) {
			interval = STK_GUARD_INTERVAL_NS;
			burst = STK_GUARD_BURST;
		}
	}
	admit = stk_rate_admit(&rk, interval, burst);
	stk_count_decision(&k, !admit);
	if (!admit)
		stk_count(STK_CNT_SUPPRESSED);
	return admit;
}

/* The same in the current task's cgroup. */
static __always_inline bool stk_admit(__u32 hook, __u32 rule, __u8 action, bool guard)
{
	return stk_admit_in(bpf_get_current_cgroup_id(), hook, rule, action, guard);
}

/*
 * stk_event_admit() - call where a reported decision would send its event:
 * counts the decision and returns whether the event may be sent (false:
 * the rate limit suppressed it, which is counted too). Events sent +
 * suppressed + lost = decisions reported (stk_abi.h).
 */
static __always_inline bool stk_event_admit(__u32 hook, __u32 rule, __u8 action)
{
	return stk_admit(hook, rule, action, false);
}

/* The same for a self-protection refusal: a deny that no rule made. */
static __always_inline bool stk_guard_admit(__u32 hook)
{
	return stk_admit(hook, STK_RULE_NONE, STK_ACT_DENY, true);
}

/*
 * The active generation's settings; its gen is the gen of every map key the
 * invocation may look up. Call once per invocation and keep the pointer:
 * a reload never rewrites the active slot (stk_abi.h).
 */
/* Whether generation @slot (host settings @host) has scoped policies to look up. */
static __always_inline bool stk_gen_has_scopes(const struct stk_config *host, __u32 slot)
{
	return (slot == 1 || slot == 2) && host && host->scopes;
}

/*
 * The scope of cgroup @cgroup_id under generation @slot (1 or 2, read from
 * the selector once by the caller), whose host settings are @host, which
 * has scopes (the caller checked). 0 (the host) for a cgroup without an
 * entry: a reload without globs writes no entries, so the slot's entries
 * may be an older generation's, and so may an entry naming a scope the
 * generation does not have.
 */
static __always_inline __u32 stk_cgroup_scope(const struct stk_config *host, __u32 slot,
						__u64 cgroup_id)
{
	struct stk_cgroup_key key = { .slot = slot, .cgroup_id = cgroup_id };
	struct stk_cgroup_entry *cs;
	__u32 scope;

	cs = bpf_map_lookup_elem(&stk_cgroup_scopes, &key);
	if (!cs)
		return 0;
	scope = cs->scope;
	return scope <= host->scopes ? scope % STK_SCOPE_MAX : 0;
}

/*
 * The scope of the task's cgroup right now: a task moved to another cgroup
 * is judged by its new place from its next hook on. 0 whenever the
 * generation has no scoped policy.
 */
static __always_inline __u32 stk_current_scope(const struct stk_config *host, __u32 slot)
{
	/* Every hook comes here: no helper call for a generation without scopes. */
	if (!stk_gen_has_scopes(host, slot))
		return 0;
	return stk_cgroup_scope(host, slot, bpf_get_current_cgroup_id());
}

/*
 * The settings in force for the current task; @file_epoch: where to put the
 * selector's file_epoch (read with the generation), or NULL.
 */
static __always_inline struct stk_config *stk_get_config_epoch(__u32 *file_epoch)
{
	__u32 zero = 0, slot, index;
	struct stk_config *sel = bpf_map_lookup_elem(&stk_config, &zero), *host, *cfg;
	__u32 scope;

	if (!sel)
		return NULL;
	slot = *(volatile __u32 *)&sel->gen;
	if (file_epoch)
		*file_epoch = *(volatile __u32 *)&sel->file_epoch;
	if (!slot)
		return sel;
	host = bpf_map_lookup_elem(&stk_config, &slot);
	scope = stk_current_scope(host, slot);
	if (scope) {
		index = scope * STK_CONFIG_SLOTS + (slot & 3);
		cfg = bpf_map_lookup_elem(&stk_config, &index);
		/* Written with this generation: else the host's (cannot happen, see reload). */
		if (cfg && cfg->gen == slot)
			return cfg;
	}
	return host;
}

static __always_inline struct stk_config *stk_get_config(void)
{
	return stk_get_config_epoch(NULL);
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
 * Each call is a branch of its own (see below): call it once per decision.
 */
static __always_inline int stk_verdict_errno(__u8 action)
{
	int err = -EPERM;

	if ((action & STK_ACT_MASK) == STK_ACT_DENY && !(action & STK_ACT_COMPLAIN)) {
		/*
		 * Opaque to the compiler, which would otherwise turn "denied ?
		 * -EPERM : 0" into -(denied): 6.8+ check that an LSM program
		 * returns a value in [-4095, 0], and before 6.13 the verifier
		 * does not follow BPF_NEG, so such a program fails to load.
		 */
		barrier_var(err);
		return err;
	}
	return 0;
}

/* Whether a decided action byte needs an event. */
static __always_inline int stk_action_reported(__u8 action)
{
	__u8 a = action & STK_ACT_MASK;

	return a == STK_ACT_DENY || a == STK_ACT_AUDIT;
}

#endif /* STK_COMMON_BPF_H */
