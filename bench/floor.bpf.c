// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * floor.bpf.c - empty programs on every hook stockade uses (the LSM hooks of
 * bpf/lsm/ and the cgroup socket hooks of cgroup/): the cost any BPF agent
 * pays before it decides anything. Benchmarks only.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* An LSM program that allows: it sees the hook's arguments and ignores them. */
#define FLOOR_LSM(hook)                         \
	SEC("lsm/" #hook)                       \
	int stk_floor_##hook(void *ctx)         \
	{                                       \
		return 0;                       \
	}

/* A tracer that does nothing (stockade's cgroup_mkdir/rmdir tracers). */
#define FLOOR_TP(event)                         \
	SEC("tp_btf/" #event)                   \
	int stk_floor_##event(void *ctx)        \
	{                                       \
		return 0;                       \
	}

/* A cgroup socket program that allows (1: let the operation go on). */
#define FLOOR_CG(hook)                          \
	SEC("cgroup/" #hook)                    \
	int stk_floor_##hook(void *ctx)         \
	{                                       \
		return 1;                       \
	}

FLOOR_LSM(file_open)
FLOOR_LSM(file_receive)
FLOOR_LSM(bprm_check_security)
FLOOR_LSM(mmap_file)
FLOOR_LSM(file_mprotect)
FLOOR_LSM(path_mknod)
FLOOR_LSM(path_mkdir)
FLOOR_LSM(path_symlink)
FLOOR_LSM(path_unlink)
FLOOR_LSM(path_rmdir)
FLOOR_LSM(path_rename)
FLOOR_LSM(path_link)
FLOOR_LSM(inode_link)
FLOOR_LSM(path_truncate)
FLOOR_LSM(path_chmod)
FLOOR_LSM(path_chown)
FLOOR_LSM(inode_setxattr)
FLOOR_LSM(inode_removexattr)
FLOOR_LSM(unix_stream_connect)
FLOOR_LSM(unix_may_send)
FLOOR_LSM(capable)
FLOOR_LSM(bpf)
FLOOR_LSM(kernel_load_data)
FLOOR_LSM(kernel_read_file)
FLOOR_LSM(kernel_module_request)
FLOOR_LSM(sb_mount)
FLOOR_LSM(sb_remount)
FLOOR_LSM(sb_umount)
FLOOR_LSM(move_mount)
FLOOR_LSM(ptrace_access_check)
FLOOR_LSM(ptrace_traceme)
FLOOR_LSM(socket_create)
/* The self-protection set's hooks (bpf/lsm/guard.bpf.c), attached with or without --protect. */
FLOOR_LSM(bpf_map)
FLOOR_LSM(bpf_prog)
FLOOR_LSM(inode_unlink)
FLOOR_LSM(inode_rmdir)
FLOOR_LSM(inode_rename)
FLOOR_LSM(inode_permission)
FLOOR_LSM(inode_setattr)
FLOOR_LSM(task_kill)
FLOOR_LSM(task_alloc)
FLOOR_LSM(bprm_committed_creds)
FLOOR_TP(cgroup_mkdir)
FLOOR_TP(cgroup_rmdir)

FLOOR_CG(connect4)
FLOOR_CG(connect6)
FLOOR_CG(sendmsg4)
FLOOR_CG(sendmsg6)
FLOOR_CG(bind4)
FLOOR_CG(bind6)
FLOOR_CG(sock_create)

/* An egress program that lets every packet go (stockade's stk_egress). */
SEC("cgroup_skb/egress")
int stk_floor_egress(void *ctx)
{
	return 1;
}
