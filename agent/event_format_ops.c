// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * event_format_ops.c - capability, kernel-operation and socket records to
 * audit JSON (see event_format_ops.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "event_format_ops.h"
#include "policy.h"

const char *stk_ops_hook_name(uint32_t hook)
{
	switch (hook) {
	case STK_HOOK_CAPABLE:
		return "capable";
	case STK_HOOK_KERNEL_MODULE_REQUEST:
		return "kernel_module_request";
	case STK_HOOK_KERNEL_LOAD_DATA:
		return "kernel_load_data";
	case STK_HOOK_KERNEL_READ_FILE:
		return "kernel_read_file";
	case STK_HOOK_BPF:
		return "bpf";
	case STK_HOOK_SB_MOUNT:
		return "sb_mount";
	case STK_HOOK_MOVE_MOUNT:
		return "move_mount";
	case STK_HOOK_SB_UMOUNT:
		return "sb_umount";
	case STK_HOOK_SB_REMOUNT:
		return "sb_remount";
	case STK_HOOK_PTRACE_ACCESS_CHECK:
		return "ptrace_access_check";
	case STK_HOOK_PTRACE_TRACEME:
		return "ptrace_traceme";
	case STK_HOOK_SOCKET_CREATE:
		return "socket_create";
	case STK_HOOK_GUARD_BPF:
		return "bpf";
	case STK_HOOK_GUARD_BPF_MAP:
		return "bpf_map";
	case STK_HOOK_GUARD_BPF_PROG:
		return "bpf_prog";
	case STK_HOOK_GUARD_INODE_UNLINK:
		return "inode_unlink";
	case STK_HOOK_GUARD_INODE_RMDIR:
		return "inode_rmdir";
	case STK_HOOK_GUARD_INODE_RENAME:
		return "inode_rename";
	case STK_HOOK_GUARD_INODE_PERMISSION:
		return "inode_permission";
	case STK_HOOK_GUARD_PTRACE:
		return "ptrace_access_check";
	case STK_HOOK_GUARD_TASK_KILL:
		return "task_kill";
	case STK_HOOK_GUARD_SB_UMOUNT:
		return "sb_umount";
	default:
		return NULL;
	}
}

int stk_format_cap(const void *data, size_t size, struct json_out *j)
{
	const struct stk_event_cap *ev = data;
	const char *name;

	if (size < sizeof(*ev))
		return -EINVAL;
	name = stk_cap_name(ev->capability);
	if (name) {
		json_out_str(j, "capability", name);
	} else {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "CAP_%u", ev->capability);

		json_out_strn(j, "capability", buf, n);
	}
	json_out_u64(j, "capability_number", ev->capability);
	return 0;
}

static const char *data_name(uint32_t kind)
{
	switch (kind) {
	case STK_KDATA_MODULE:
		return "module";
	case STK_KDATA_FIRMWARE:
		return "firmware";
	case STK_KDATA_KEXEC_IMAGE:
		return "kexec_image";
	case STK_KDATA_KEXEC_INITRAMFS:
		return "kexec_initramfs";
	default:
		return "other";
	}
}

int stk_format_kernel(const void *data, size_t size, struct json_out *j)
{
	const struct stk_event_kernel *ev = data;
	const char *op;
	size_t nlen;

	if (size < sizeof(*ev))
		return -EINVAL;
	op = stk_kernel_op_name(ev->operation);
	json_out_str(j, "operation", op ? op : "unknown");
	nlen = strnlen(ev->name, sizeof(ev->name));
	switch (ev->hdr.hook) {
	case STK_HOOK_KERNEL_MODULE_REQUEST:
		json_out_strn(j, "module", ev->name, nlen);
		break;
	case STK_HOOK_KERNEL_LOAD_DATA:
	case STK_HOOK_KERNEL_READ_FILE:
		json_out_str(j, "data", data_name(ev->detail));
		break;
	case STK_HOOK_BPF:
		json_out_u64(j, "bpf_cmd", ev->detail);
		break;
	case STK_HOOK_SB_MOUNT:
		json_out_strn(j, "fstype", ev->name, nlen);
		json_out_u64(j, "flags", ev->detail);
		break;
	case STK_HOOK_SB_UMOUNT:
		json_out_u64(j, "flags", ev->detail);
		break;
	case STK_HOOK_PTRACE_ACCESS_CHECK:
	case STK_HOOK_PTRACE_TRACEME:
		if (ev->hdr.hook == STK_HOOK_PTRACE_ACCESS_CHECK)
			json_out_u64(j, "ptrace_mode", ev->detail);
		json_out_u64(j, "target_pid", ev->target_pid);
		json_out_strn(j, "target_comm", ev->name, nlen);
		break;
	default:
		break;
	}
	return 0;
}

/* What the refused attempt was after, by hook. */
static const char *guard_target(uint32_t hook)
{
	switch (hook) {
	case STK_HOOK_GUARD_BPF:
		return "link";
	case STK_HOOK_GUARD_BPF_MAP:
		return "map";
	case STK_HOOK_GUARD_BPF_PROG:
		return "program";
	case STK_HOOK_GUARD_PTRACE:
	case STK_HOOK_GUARD_TASK_KILL:
		return "agent";
	case STK_HOOK_GUARD_SB_UMOUNT:
		return "bpffs";
	default:
		return "pin";
	}
}

int stk_format_guard(const void *data, size_t size, struct json_out *j)
{
	const struct stk_event_guard *ev = data;
	size_t nlen;
	char dev[32];
	int n;

	if (size < sizeof(*ev))
		return -EINVAL;
	nlen = strnlen(ev->name, sizeof(ev->name));
	json_out_str(j, "operation", "self_protection");
	json_out_str(j, "target", guard_target(ev->hdr.hook));
	switch (ev->hdr.hook) {
	case STK_HOOK_GUARD_BPF:
		json_out_u64(j, "bpf_cmd", ev->detail);
		json_out_u64(j, "link_id", ev->obj_id);
		break;
	case STK_HOOK_GUARD_BPF_MAP:
		json_out_u64(j, "map_id", ev->obj_id);
		json_out_strn(j, "map_name", ev->name, nlen);
		json_out_u64(j, "fmode", ev->detail);
		break;
	case STK_HOOK_GUARD_BPF_PROG:
		json_out_u64(j, "prog_id", ev->obj_id);
		json_out_strn(j, "prog_name", ev->name, nlen);
		break;
	case STK_HOOK_GUARD_PTRACE:
		json_out_u64(j, "ptrace_mode", ev->detail);
		json_out_u64(j, "target_pid", ev->target_pid);
		json_out_strn(j, "target_comm", ev->name, nlen);
		break;
	case STK_HOOK_GUARD_TASK_KILL:
		json_out_u64(j, "signal", ev->detail);
		json_out_u64(j, "target_pid", ev->target_pid);
		json_out_strn(j, "target_comm", ev->name, nlen);
		break;
	case STK_HOOK_GUARD_SB_UMOUNT:
		n = snprintf(dev, sizeof(dev), "%u:%u", ev->dev >> 20, ev->dev & 0xfffff);
		json_out_strn(j, "dev", dev, n);
		json_out_u64(j, "flags", ev->detail);
		break;
	default: /* the inode hooks */
		json_out_strn(j, "name", ev->name, nlen);
		json_out_u64(j, "inode", ev->ino);
		n = snprintf(dev, sizeof(dev), "%u:%u", ev->dev >> 20, ev->dev & 0xfffff);
		json_out_strn(j, "dev", dev, n);
		if (ev->hdr.hook == STK_HOOK_GUARD_INODE_PERMISSION)
			json_out_u64(j, "mask", ev->detail);
		break;
	}
	return 0;
}

static const char *sock_type_name(uint32_t type)
{
	static const char *const names[] = { NULL,	  "stream", "dgram",	"raw",
					     "rdm",	  "seqpacket", "dccp", NULL,
					     NULL,	  NULL,	    "packet" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

int stk_format_sock(const void *data, size_t size, struct json_out *j)
{
	const struct stk_event_sock *ev = data;
	const char *fam, *type;

	if (size < sizeof(*ev))
		return -EINVAL;
	fam = stk_sock_family_name(ev->family);
	type = sock_type_name(ev->type);
	if (fam)
		json_out_str(j, "family", fam);
	else
		json_out_null(j, "family");
	json_out_u64(j, "family_number", ev->family);
	if (type)
		json_out_str(j, "type", type);
	else
		json_out_null(j, "type");
	json_out_u64(j, "type_number", ev->type);
	json_out_u64(j, "protocol", ev->protocol);
	json_out_begin_array(j, "decided");
	if (ev->decided & STK_SOCK_BY_FAMILY)
		json_out_str(j, NULL, "family");
	if (ev->decided & STK_SOCK_BY_RAW)
		json_out_str(j, NULL, "raw");
	json_out_end_array(j);
	return 0;
}
