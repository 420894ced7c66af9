// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * scope.bpf.c - keeps stk_cgroup_scopes (common.bpf.h) right as cgroups
 * come and go.
 *
 * cgroup_mkdir fires inside mkdir(2) on the cgroup2 filesystem, with
 * cgroup_mutex held. Nothing can enter the new cgroup before that mutex is
 * released (writing cgroup.procs and clone3(CLONE_INTO_CGROUP) both take
 * it), so the entry written here is in place before the first process in
 * the cgroup runs a hook: no unenforced window. The entry follows from the
 * parent's by reading "/" and the new name through every glob's automaton
 * (stk_glob.h, the same code the agent runs for existing cgroups).
 */
#include "common.bpf.h"
#include "stk_glob.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Automata of the globs of both generation slots: slot 1's at 0..
 * STK_GLOB_MAX - 1, slot 2's after (stk_abi.h); unused entries are all zero.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * STK_GLOB_MAX);
	__type(key, __u32);
	__type(value, struct stk_glob_prog);
} stk_scope_globs SEC(".maps");

/*
 * Cgroup id -> both slots' glob results (stk_abi.h): what a new child's
 * entries follow from. One element per cgroup, so mkdir(2) allocates one
 * large element and two small stk_cgroup_scopes ones: the kernel's
 * allocator keeps only one large element ready per CPU on 6.1, and a
 * second large allocation in the same program can fail.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct stk_cgroup_gens);
} stk_cgroup_states SEC(".maps");

/* The new cgroup's name, then its results: too large for the stack. */
struct stk_scope_scratch {
	struct stk_cgroup_gens entry;
	char name[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stk_scope_scratch);
} stk_scope_scratch SEC(".maps");

/* What the loops below work on: one generation's half of the results. */
struct stk_scope_loop {
	__u32 len;  /* characters: "/" and the name */
	__u32 half; /* generation slot - 1 */
};

/*
 * Character (index / STK_GLOB_MAX) through glob (index % STK_GLOB_MAX) of
 * the half's globs. The scratch is looked up here: a map pointer does not
 * survive in the loop's context.
 */
static long stk_scope_step(__u32 index, void *ctx)
{
	const struct stk_scope_loop *l = ctx;
	__u32 g = index % STK_GLOB_MAX, at = index / STK_GLOB_MAX, zero = 0, h = l->half & 1;
	__u32 key = h * STK_GLOB_MAX + g;
	const struct stk_glob_prog *prog = bpf_map_lookup_elem(&stk_scope_globs, &key);
	struct stk_scope_scratch *s = bpf_map_lookup_elem(&stk_scope_scratch, &zero);
	struct stk_cgroup_scope *e;
	unsigned char ch;

	if (!prog || !s || at >= l->len)
		return 1;
	e = &s->entry.gen[h];
	ch = at == 0 ? '/' : (unsigned char)s->name[(at - 1) & 255];
	e->state[g & (STK_GLOB_MAX - 1)] = stk_glob_step(prog, e->state[g & (STK_GLOB_MAX - 1)], ch);
	return 0;
}

static long stk_scope_vote(__u32 index, void *ctx)
{
	const struct stk_scope_loop *l = ctx;
	__u32 g = index, zero = 0, h = l->half & 1;
	__u32 key = h * STK_GLOB_MAX + (g & (STK_GLOB_MAX - 1));
	const struct stk_glob_prog *prog = bpf_map_lookup_elem(&stk_scope_globs, &key);
	struct stk_scope_scratch *s = bpf_map_lookup_elem(&stk_scope_scratch, &zero);
	struct stk_cgroup_scope *e;

	if (!prog || !s)
		return 1;
	e = &s->entry.gen[h];
	stk_glob_vote(prog, e->state[g & (STK_GLOB_MAX - 1)], &e->scope, &e->flags);
	return 0;
}

/* Whether @cgrp is in the cgroup v2 hierarchy (the one task cgroup ids name). */
static __always_inline int stk_on_dfl(struct cgroup *cgrp)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return BPF_CORE_READ(cgrp, root) == BPF_CORE_READ(task, cgroups, dfl_cgrp, root);
}

/*
 * Both slots' results, each from the parent's same half and its slot's
 * globs, then an entry per slot: the inactive slot may be one a reload is
 * filling right now. Then the new globs are in (the reload writes them
 * first) and the parent's results are either already written by the
 * reload's walk or not yet, in which case the walk, which lists a
 * directory only after writing its entries, will write this cgroup again.
 */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(stk_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	struct stk_cgroup_key key = {};
	struct stk_cgroup_entry entry = {};
	struct stk_cgroup_gens *parent;
	struct stk_scope_scratch *s;
	struct stk_scope_loop l;
	__u64 id, parent_id;
	__u32 zero = 0, h;
	__u16 inherited0, inherited1;
	long n;

	(void)path;
	if (!stk_on_dfl(cgrp))
		return 0;
	id = BPF_CORE_READ(cgrp, kn, id);
	parent_id = BPF_CORE_READ(cgrp, self.parent, cgroup, kn, id);
	parent = bpf_map_lookup_elem(&stk_cgroup_states, &parent_id);
	s = bpf_map_lookup_elem(&stk_scope_scratch, &zero);
	/*
	 * No parent entry: the agent has not reached the parent yet, and will
	 * list this cgroup when it does (it lists a directory only after
	 * writing its entry).
	 */
	if (!parent || !s)
		return 0;
	s->entry = *parent;
	inherited0 = s->entry.gen[0].scope;
	inherited1 = s->entry.gen[1].scope;
	n = bpf_probe_read_kernel_str(s->name, sizeof(s->name), BPF_CORE_READ(cgrp, kn, name));
	if (n <= 0)
		return 0;
	l.len = (__u32)n; /* the NUL's place holds the leading '/' */
	for (h = 0; h < 2; h++) {
		l.half = h;
		bpf_loop(l.len * STK_GLOB_MAX, stk_scope_step, &l, 0);
		/* The cgroup's own match wins; else it inherits its parent's scope. */
		s->entry.gen[h].scope = 0;
		s->entry.gen[h].flags = 0;
		bpf_loop(STK_GLOB_MAX, stk_scope_vote, &l, 0);
		if (!s->entry.gen[h].scope)
			s->entry.gen[h].scope = h ? inherited1 : inherited0;
	}
	bpf_map_update_elem(&stk_cgroup_states, &id, &s->entry, BPF_ANY);
	key.cgroup_id = id;
	for (h = 0; h < 2; h++) {
		key.slot = h + 1;
		entry.scope = s->entry.gen[h].scope;
		entry.flags = s->entry.gen[h].flags;
		bpf_map_update_elem(&stk_cgroup_scopes, &key, &entry, BPF_ANY);
	}
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(stk_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	struct stk_cgroup_key key = {};

	(void)path;
	if (!stk_on_dfl(cgrp))
		return 0;
	key.cgroup_id = BPF_CORE_READ(cgrp, kn, id);
	bpf_map_delete_elem(&stk_cgroup_states, &key.cgroup_id);
	key.slot = 1;
	bpf_map_delete_elem(&stk_cgroup_scopes, &key);
	key.slot = 2;
	bpf_map_delete_elem(&stk_cgroup_scopes, &key);
	return 0;
}
