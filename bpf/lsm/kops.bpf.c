// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kops.bpf.c - the kernel section: module loading, kexec, bpf(), mounts,
 * ptrace. One array slot per operation; every hook is O(1).
 *
 * module_load: module requests (request_module), init_module and
 *	finit_module, and firmware read or loaded from user space.
 * kexec: kexec_load and kexec_file_load (kernel image and initramfs).
 * bpf: the bpf() syscall, except from the stockade agent itself.
 * mount: mount(2) in all its forms (sb_mount), move_mount(2) (which also
 *	attaches fsmount() and open_tree() mounts), umount(2), remounts.
 * ptrace: ptrace(2) attach and PTRACE_TRACEME, and every other access in
 *	ATTACH mode (/proc/PID/mem, process_vm_readv/writev, pidfd_getfd);
 *	READ-mode checks (/proc/PID/maps, environ, ...) are left to the files
 *	rules so that ps and top keep working.
 */
#include "ops.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PTRACE_MODE_ATTACH 0x02
#define PTRACE_MODE_NOAUDIT 0x04

/*
 * Decides kernel operation @op and reports it. @name is a kernel string or
 * NULL; @target a task or NULL.
 */
static __always_inline int stk_kop(__u32 op, __u32 hook, __u32 detail, const char *name,
				   struct task_struct *target, bool report)
{
	struct stk_event_kernel ev;
	struct stk_config *cfg = stk_get_config();
	__u32 rule;
	__u8 action;

	if (!cfg || op >= STK_KOP_SLOTS || !stk_action_reported(cfg->ops.kernel_op[op].action))
		return 0;
	action = stk_op_decide(&cfg->ops.kernel_op[op], &rule);
	if (!report)
		return stk_verdict_errno(action);
	stk_op_hdr(&ev.hdr, STK_EV_KERNEL, hook, sizeof(ev), action, rule);
	ev.operation = op;
	ev.detail = detail;
	ev.target_pid = 0;
	ev.pad = 0;
	ev.name[0] = '\0';
	if (name && bpf_probe_read_kernel_str(ev.name, sizeof(ev.name), name) < 0)
		ev.name[0] = '\0';
	if (target) {
		ev.target_pid = BPF_CORE_READ(target, tgid);
		BPF_CORE_READ_STR_INTO(&ev.name, target, comm);
	}
	stk_op_send(&ev, sizeof(ev));
	return stk_verdict_errno(action);
}

SEC("lsm/kernel_module_request")
int BPF_PROG(stk_kernel_module_request, char *kmod_name, int ret)
{
	if (ret)
		return ret;
	return stk_kop(STK_KOP_MODULE_LOAD, STK_HOOK_KERNEL_MODULE_REQUEST, 0, kmod_name, NULL,
		       true);
}

/* The enums' values are relocated (CO-RE): they are not ABI. */
static __always_inline __u32 stk_load_data_kind(int id)
{
	if (bpf_core_enum_value_exists(enum kernel_load_data_id, LOADING_MODULE) &&
	    id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_MODULE))
		return STK_KDATA_MODULE;
	if (bpf_core_enum_value_exists(enum kernel_load_data_id, LOADING_FIRMWARE) &&
	    id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_FIRMWARE))
		return STK_KDATA_FIRMWARE;
	if (bpf_core_enum_value_exists(enum kernel_load_data_id, LOADING_KEXEC_IMAGE) &&
	    id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_KEXEC_IMAGE))
		return STK_KDATA_KEXEC_IMAGE;
	if (bpf_core_enum_value_exists(enum kernel_load_data_id, LOADING_KEXEC_INITRAMFS) &&
	    id == bpf_core_enum_value(enum kernel_load_data_id, LOADING_KEXEC_INITRAMFS))
		return STK_KDATA_KEXEC_INITRAMFS;
	return STK_KDATA_OTHER;
}

static __always_inline __u32 stk_read_file_kind(int id)
{
	if (bpf_core_enum_value_exists(enum kernel_read_file_id, READING_MODULE) &&
	    id == bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE))
		return STK_KDATA_MODULE;
	if (bpf_core_enum_value_exists(enum kernel_read_file_id, READING_FIRMWARE) &&
	    id == bpf_core_enum_value(enum kernel_read_file_id, READING_FIRMWARE))
		return STK_KDATA_FIRMWARE;
	if (bpf_core_enum_value_exists(enum kernel_read_file_id, READING_KEXEC_IMAGE) &&
	    id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_IMAGE))
		return STK_KDATA_KEXEC_IMAGE;
	if (bpf_core_enum_value_exists(enum kernel_read_file_id, READING_KEXEC_INITRAMFS) &&
	    id == bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_INITRAMFS))
		return STK_KDATA_KEXEC_INITRAMFS;
	return STK_KDATA_OTHER;
}

/*
 * Modules and firmware are module_load, kexec images kexec; other data
 * (IMA policy, keys) is neither.
 */
static __always_inline int stk_kernel_data(__u32 kind, __u32 hook)
{
	switch (kind) {
	case STK_KDATA_MODULE:
	case STK_KDATA_FIRMWARE:
		return stk_kop(STK_KOP_MODULE_LOAD, hook, kind, NULL, NULL, true);
	case STK_KDATA_KEXEC_IMAGE:
	case STK_KDATA_KEXEC_INITRAMFS:
		return stk_kop(STK_KOP_KEXEC, hook, kind, NULL, NULL, true);
	default:
		return 0;
	}
}

SEC("lsm/kernel_load_data")
int BPF_PROG(stk_kernel_load_data, int id, bool contents, int ret)
{
	if (ret)
		return ret;
	return stk_kernel_data(stk_load_data_kind(id), STK_HOOK_KERNEL_LOAD_DATA);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(stk_kernel_read_file, struct file *file, int id, bool contents, int ret)
{
	if (ret)
		return ret;
	return stk_kernel_data(stk_read_file_kind(id), STK_HOOK_KERNEL_READ_FILE);
}

/*
 * The bpf hook gained a fourth argument in newer kernels, which moves the
 * position of "ret"; so it is not read. An earlier BPF program's denial
 * never reaches here anyway: the trampoline stops at the first non-zero
 * return.
 */
SEC("lsm/bpf")
int BPF_PROG(stk_bpf, int cmd)
{
	struct stk_config *cfg = stk_get_config();

	if (!cfg || !stk_action_reported(cfg->ops.kernel_op[STK_KOP_BPF].action))
		return 0;
	if (stk_current_is_agent())
		return 0;
	return stk_kop(STK_KOP_BPF, STK_HOOK_BPF, cmd, NULL, NULL, true);
}

SEC("lsm/sb_mount")
int BPF_PROG(stk_sb_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	if (ret)
		return ret;
	return stk_kop(STK_KOP_MOUNT, STK_HOOK_SB_MOUNT, (__u32)flags, type, NULL, true);
}

SEC("lsm/move_mount")
int BPF_PROG(stk_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	if (ret)
		return ret;
	return stk_kop(STK_KOP_MOUNT, STK_HOOK_MOVE_MOUNT, 0, NULL, NULL, true);
}

SEC("lsm/sb_umount")
int BPF_PROG(stk_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	if (ret)
		return ret;
	return stk_kop(STK_KOP_MOUNT, STK_HOOK_SB_UMOUNT, flags, NULL, NULL, true);
}

SEC("lsm/sb_remount")
int BPF_PROG(stk_sb_remount, struct super_block *sb, void *mnt_opts, int ret)
{
	if (ret)
		return ret;
	return stk_kop(STK_KOP_MOUNT, STK_HOOK_SB_REMOUNT, 0, NULL, NULL, true);
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(stk_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	if (ret)
		return ret;
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	return stk_kop(STK_KOP_PTRACE, STK_HOOK_PTRACE_ACCESS_CHECK, mode, NULL, child,
		       !(mode & PTRACE_MODE_NOAUDIT));
}

SEC("lsm/ptrace_traceme")
int BPF_PROG(stk_ptrace_traceme, struct task_struct *parent, int ret)
{
	if (ret)
		return ret;
	return stk_kop(STK_KOP_PTRACE, STK_HOOK_PTRACE_TRACEME, 0, NULL, parent, true);
}
