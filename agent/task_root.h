/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * task_root.h - what the agent reads of another process through /proc to
 * resolve paths in its root: the identity of its root directory as the
 * kernel keys it, its cgroup, its age, whether it is stopped.
 */
#ifndef STK_TASK_ROOT_H
#define STK_TASK_ROOT_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/types.h>

/* A root directory as the BPF programs see it: dentry inode and s_dev. */
struct stk_root_id {
	__u64 ino;
	__u32 dev;
};

/*
 * stk_root_id_of_fd() - the identity of the directory open at @fd, its
 * superblock's s_dev taken from @mountinfo (which lists the mount it is
 * on; sb_dev.h says why st_dev will not do). Return: 0 or a negative errno.
 */
int stk_root_id_of_fd(int fd, const char *mountinfo, struct stk_root_id *ret);

/*
 * stk_task_open_root() - opens /proc/@pid/root (O_PATH) and gives its
 * identity, checked on the open fd, so a pid reused meanwhile cannot give
 * another process's root. Return: the fd, or a negative errno.
 */
int stk_task_open_root(pid_t pid, struct stk_root_id *ret);

/* The inode number of /proc/@pid/root, cheap, to rule processes out. */
int stk_task_root_ino(pid_t pid, __u64 *ret);

/* The cgroup v2 id of @pid: the inode of its directory under @mount. */
int stk_task_cgroup_id(pid_t pid, const char *mount, __u64 *ret);

/* When @pid started, in clock ticks after boot (/proc/PID/stat field 22). */
int stk_task_start_time(pid_t pid, unsigned long long *ret);

/*
 * stk_task_wait_stopped() - waits up to @ms milliseconds for thread @tid
 * of @pid to be in a stopped state. Return: 0, -ETIMEDOUT, or -ESRCH when
 * it is gone.
 */
int stk_task_wait_stopped(pid_t pid, pid_t tid, int ms);

/* Sends @pid @sig, also as root without CAP_KILL (see task_root.c). */
int stk_task_signal(pid_t pid, int sig);

#endif /* STK_TASK_ROOT_H */
