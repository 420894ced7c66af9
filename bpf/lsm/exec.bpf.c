// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * exec.bpf.c - exec rules: what a process may run.
 *
 * Exec is the access kind STK_FACC_EXEC of the file table, decided by the
 * same ancestry walk (file_walk.bpf.h), so links, copies under an
 * allow-list, bind mounts and /proc paths are judged by what the file is.
 *
 * - bprm_check_security: the file execve() runs, and again the interpreter
 *   of a script (#!) or of binfmt_misc; execveat(AT_EMPTY_PATH) is the same
 *   file.
 * - mmap_file, file_mprotect: a file mapped executable is executed too, so
 *   "ld.so BIN" (the loader maps BIN, the kernel never execs it) is judged
 *   as running BIN. Libraries are judged the same way (docs/policy.md).
 * - deny_fileless: a file without a name (i_nlink == 0: memfd_create, a
 *   deleted file, O_TMPFILE) may not be executed or mapped executable.
 * - the container-root gate (stk_root_gate, stk_abi.h): an exec in a
 *   scoped cgroup whose root the agent has not resolved the scope's paths
 *   in waits until it has.
 */
#include "file_walk.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PROT_EXEC 0x4
#define VM_EXEC 0x4

#define EXEC_BIT STK_FACC_BIT(STK_FACC_EXEC)
#define SIGSTOP 19
#define EAGAIN 11
#define ERESTARTNOINTR 513 /* the syscall restarts once the signal is dealt with */

/* cgroup id -> the root recorded for it (stk_abi.h, container roots). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct stk_root_rec);
} stk_cgroup_roots SEC(".maps");

/*
 * {record's cgroup, slot, scope} -> STK_ROOT_READY: the agent added that
 * scope's keys for the record's root to that generation, or
 * STK_ROOT_FAILED: it could not, and execs there are refused. Written by
 * the agent only, an element each, never replaced while a generation it
 * belongs to is in force.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_root_ready_key);
	__type(value, __u32);
} stk_root_ready SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} stk_root_requests SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stk_root_config);
} stk_root_cfg SEC(".maps");

/*
 * Whether an exec may be judged now: 0, or the errno to return. Only
 * processes of a scoped cgroup whose root is not the agent's are held:
 * the nearest cgroup at or above theirs with a record names their root
 * (none: this exec records theirs). Until the agent has resolved the
 * scope's paths in it for the generation in force, the task is stopped
 * and the exec returns -ERESTARTNOINTR, which restarts it once SIGCONT
 * ends the stop; the request is submitted after the signal is sent, and
 * the agent waits to see the task stopped before it sends SIGCONT. With no room for the request the exec fails
 * with EAGAIN rather than run unjudged.
 */
static __always_inline int stk_root_gate(const struct stk_config *cfg)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct stk_root_ready_key ready = {};
	struct stk_root_config *rc;
	struct stk_root_request *req;
	struct stk_root_rec *rec = NULL, mine = {};
	struct dentry *root;
	__u32 *state;
	__u64 id = 0, tgid_pid;
	__u32 zero = 0;
	int level, i;

	if (!cfg->scope)
		return 0;
	rc = bpf_map_lookup_elem(&stk_root_cfg, &zero);
	if (!rc || !rc->enabled)
		return 0;
	root = BPF_CORE_READ(task, fs, root.dentry);
	mine.ino = BPF_CORE_READ(root, d_inode, i_ino);
	mine.dev = BPF_CORE_READ(root, d_sb, s_dev);
	if (mine.ino == rc->agent_ino && mine.dev == rc->agent_dev)
		return 0; /* the agent's own keys apply */
	level = BPF_CORE_READ(task, cgroups, dfl_cgrp, level);
	for (i = 0; i < STK_ROOT_LEVELS && level - i >= 1; i++) {
		id = bpf_get_current_ancestor_cgroup_id(level - i);
		rec = bpf_map_lookup_elem(&stk_cgroup_roots, &id);
		if (rec)
			break;
	}
	tgid_pid = bpf_get_current_pid_tgid();
	if (!rec) {
		id = bpf_get_current_cgroup_id();
		mine.pid = (__u32)(tgid_pid >> 32);
		/* Another thread may have raced us to it: its record stands. */
		bpf_map_update_elem(&stk_cgroup_roots, &id, &mine, BPF_NOEXIST);
		if (!bpf_map_lookup_elem(&stk_cgroup_roots, &id))
			return -EAGAIN; /* no room for a record: nothing could resolve it */
	}
	ready.cgroup_id = id;
	ready.slot = cfg->gen;
	ready.scope = cfg->scope;
	state = bpf_map_lookup_elem(&stk_root_ready, &ready);
	if (state)
		return *state == STK_ROOT_READY ? 0 : -EPERM;
	req = bpf_ringbuf_reserve(&stk_root_requests, sizeof(*req), 0);
	if (!req)
		return -EAGAIN;
	if (bpf_send_signal(SIGSTOP)) {
		bpf_ringbuf_discard(req, 0);
		return -EAGAIN;
	}
	req->cgroup_id = id;
	req->pid = (__u32)(tgid_pid >> 32);
	req->tid = (__u32)tgid_pid;
	req->slot = cfg->gen;
	req->scope = cfg->scope;
	req->pad = 0;
	bpf_ringbuf_submit(req, 0);
	return -ERESTARTNOINTR;
}

/*
 * @file: a BTF pointer (the hook's argument or a field of one), for the
 * walk's caches. @report_audit: whether an audit verdict is logged here. mmap reports
 * denials only: every exec maps its binary and libraries, and the audit
 * event of an exec comes from bprm_check_security.
 */
static __always_inline int stk_exec_check(struct file *file, __u32 hook, int report_audit)
{
	struct dentry *d = file->f_path.dentry;
	__u32 file_epoch = 0;
	struct stk_config *cfg = stk_get_config_epoch(&file_epoch);
	struct stk_decided dec;
	int err;

	if (!cfg)
		return 0; /* cannot happen: array maps always have index 0 */
	if ((cfg->exec_flags & STK_EXECF_DENY_FILELESS) && file->f_inode->i_nlink == 0) {
		dec.action = cfg->fileless_action;
		dec.rule = cfg->fileless_rule;
		dec.which = EXEC_BIT;
		dec.flags = STK_EVF_FILELESS;
		dec.mnt = stk_path_mount(&file->f_path);
	} else {
		stk_file_decide_cfg(cfg, file_epoch, d, d, STK_SELF_MAKE, &file->f_path, EXEC_BIT,
				    &dec);
	}
	err = stk_verdict_errno(dec.action);
	if (err)
		stk_count(STK_CNT_DENIED);
	if ((dec.action & STK_ACT_MASK) == STK_ACT_DENY ||
	    (report_audit && stk_action_reported(dec.action)))
		stk_file_event(d, dec.mnt, NULL, hook, EXEC_BIT, &dec);
	return err;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(stk_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct stk_config *cfg;

	if (ret)
		return ret; /* an earlier LSM's denial stands */
	cfg = stk_get_config();
	if (cfg) {
		ret = stk_root_gate(cfg);
		if (ret)
			return ret;
	}
	return stk_exec_check(bprm->file, STK_HOOK_BPRM_CHECK, 1);
}

SEC("lsm/mmap_file")
int BPF_PROG(stk_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret)
		return ret;
	if (!file || !(prot & PROT_EXEC))
		return 0;
	return stk_exec_check(file, STK_HOOK_MMAP_FILE, 0);
}

SEC("lsm/file_mprotect")
int BPF_PROG(stk_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	struct file *file;

	if (ret)
		return ret;
	if (!(prot & PROT_EXEC) || (BPF_CORE_READ(vma, vm_flags) & VM_EXEC))
		return 0;
	file = vma->vm_file;
	if (!file)
		return 0;
	return stk_exec_check(file, STK_HOOK_FILE_MPROTECT, 0);
}
