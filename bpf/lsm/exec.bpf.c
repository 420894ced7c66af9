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
 */
#include "file_walk.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PROT_EXEC 0x4
#define VM_EXEC 0x4

#define EXEC_BIT STK_FACC_BIT(STK_FACC_EXEC)

/*
 * @report_audit: whether an audit verdict is logged here. mmap reports
 * denials only: every exec maps its binary and libraries, and the audit
 * event of an exec comes from bprm_check_security.
 */
static __always_inline int stk_exec_check(struct file *file, __u32 hook, int report_audit)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct mount *mnt = stk_real_mount(BPF_CORE_READ(file, f_path.mnt));
	struct stk_config *cfg = stk_get_config();
	struct stk_decided dec;

	if (!cfg)
		return 0; /* cannot happen: array maps always have index 0 */
	if ((cfg->exec_flags & STK_EXECF_DENY_FILELESS) &&
	    BPF_CORE_READ(file, f_inode, i_nlink) == 0) {
		dec.action = cfg->fileless_action;
		dec.rule = cfg->fileless_rule;
		dec.which = EXEC_BIT;
		dec.flags = STK_EVF_FILELESS;
	} else {
		stk_file_decide_cfg(cfg, d, mnt, EXEC_BIT, &dec);
	}
	if (stk_verdict_errno(dec.action))
		stk_count(STK_CNT_DENIED);
	if ((dec.action & STK_ACT_MASK) == STK_ACT_DENY ||
	    (report_audit && stk_action_reported(dec.action)))
		stk_file_event(d, mnt, NULL, hook, EXEC_BIT, &dec);
	return stk_verdict_errno(dec.action);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(stk_bprm_check, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret; /* an earlier LSM's denial stands */
	return stk_exec_check(BPF_CORE_READ(bprm, file), STK_HOOK_BPRM_CHECK, 1);
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
	file = BPF_CORE_READ(vma, vm_file);
	if (!file)
		return 0;
	return stk_exec_check(file, STK_HOOK_FILE_MPROTECT, 0);
}
