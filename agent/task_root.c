// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * task_root.c - another process's root, cgroup, age and state (task_root.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/fsuid.h>
#include <sys/stat.h>

#include "sb_dev.h"
#include "task_root.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

int stk_root_id_of_fd(int fd, const char *mountinfo, struct stk_root_id *ret)
{
	struct stk_mount_devs devs = {};
	struct statx stx;
	int err;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &stx))
		return -errno;
	ret->ino = stx.stx_ino;
	ret->dev = stk_kernel_dev(stx.stx_dev_major, stx.stx_dev_minor);
	if (!(stx.stx_mask & STATX_MNT_ID))
		return 0;
	err = stk_mount_devs_read_file(mountinfo, &devs);
	if (!err && stk_mount_devs_find(&devs, stx.stx_mnt_id, &ret->dev))
		err = -ENOENT; /* a mount the list does not show: keep st_dev */
	stk_mount_devs_free(&devs);
	return err == -ENOMEM ? err : 0;
}

/*
 * The real uid and gid of @pid; with @same, only if its effective and
 * saved ids are the same as the real ones.
 */
static int task_ids(pid_t pid, bool same, uid_t *uid, gid_t *gid)
{
	unsigned int u[3] = { 1, 2, 3 }, g[3] = { 1, 2, 3 };
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Uid:", 4))
			sscanf(line + 4, "%u %u %u", &u[0], &u[1], &u[2]);
		else if (!strncmp(line, "Gid:", 4))
			sscanf(line + 4, "%u %u %u", &g[0], &g[1], &g[2]);
	}
	fclose(f);
	if (same && (u[0] != u[1] || u[0] != u[2] || g[0] != g[1] || g[0] != g[2]))
		return -EPERM;
	*uid = u[0];
	*gid = g[0];
	return 0;
}

/*
 * /proc/PID/root opened O_PATH. Following it takes ptrace read access:
 * root without CAP_SYS_PTRACE has that only to processes of its own uid.
 * For another user's process the open is then made with the file system
 * ids switched to that process's own (setfsuid, CAP_SETUID), as that user
 * may look at its own processes if they are dumpable; the ids are switched
 * back at once, and everything after goes through the fd, as root, so
 * paths the user could not reach still resolve. (A process in its first
 * exec after setuid is not dumpable yet: that takes CAP_SYS_PTRACE, which
 * the systemd unit keeps.)
 */
static int open_task_root(pid_t pid)
{
	char path[64];
	uid_t uid = 0, old_uid;
	gid_t gid = 0, old_gid;
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = -errno;
	if ((err != -EACCES && err != -EPERM) || task_ids(pid, true, &uid, &gid))
		return err;
	old_gid = (gid_t)setfsgid(gid);
	old_uid = (uid_t)setfsuid(uid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	setfsuid(old_uid);
	setfsgid(old_gid);
	return fd < 0 ? err : fd;
}

int stk_task_open_root(pid_t pid, struct stk_root_id *ret)
{
	char mountinfo[64];
	int fd, err;

	snprintf(mountinfo, sizeof(mountinfo), "/proc/%d/mountinfo", (int)pid);
	fd = open_task_root(pid);
	if (fd < 0)
		return fd;
	err = stk_root_id_of_fd(fd, mountinfo, ret);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int stk_task_root_ino(pid_t pid, __u64 *ret)
{
	struct stat st;
	int fd = open_task_root(pid), err = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st))
		err = -errno;
	else
		*ret = st.st_ino;
	close(fd);
	return err;
}

int stk_task_cgroup_id(pid_t pid, const char *mount, __u64 *ret)
{
	char path[64], line[4096], dir[4096 + 256];
	struct stat st;
	FILE *f;
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3))
			continue; /* a v1 hierarchy's line */
		snprintf(dir, sizeof(dir), "%s%s", mount, strcmp(line + 3, "/") ? line + 3 : "");
		err = stat(dir, &st) ? -errno : 0;
		if (!err)
			*ret = st.st_ino;
		break;
	}
	fclose(f);
	return err;
}

/* The fields of /proc/PID[/task/TID]/stat after "(comm)", which may hold anything. */
static int read_stat_tail(const char *path, char *buf, size_t len, const char **tail)
{
	FILE *f = fopen(path, "re");
	size_t n;
	char *close_paren;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	close_paren = strrchr(buf, ')');
	if (!close_paren || close_paren[1] != ' ')
		return -EPROTO;
	*tail = close_paren + 2;
	return 0;
}

int stk_task_start_time(pid_t pid, unsigned long long *ret)
{
	char path[64], buf[1024];
	const char *p;
	int i, err;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	err = read_stat_tail(path, buf, sizeof(buf), &p);
	if (err)
		return err;
	/* The tail starts at field 3 (state); starttime is field 22. */
	for (i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", ret) != 1)
		return -EPROTO;
	return 0;
}

int stk_task_wait_stopped(pid_t pid, pid_t tid, int ms)
{
	struct timespec pause = { .tv_nsec = 1000000 };
	char path[96], buf[1024];
	const char *p;
	int i, err;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	for (i = 0; i <= ms; i++) {
		err = read_stat_tail(path, buf, sizeof(buf), &p);
		if (err)
			return -ESRCH;
		if (*p == 'T' || *p == 't')
			return 0;
		if (*p == 'Z' || *p == 'X')
			return -ESRCH;
		nanosleep(&pause, NULL);
	}
	return -ETIMEDOUT;
}

/*
 * Root without CAP_KILL (the systemd unit leaves it out) may signal only
 * processes of its own uid (SIGCONT also those of its session): for another
 * user's process the signal is sent with the effective uid switched to that
 * process's real uid, and switched back at once (which gives the effective
 * capabilities back: the real and saved uid stay 0).
 */
int stk_task_signal(pid_t pid, int sig)
{
	uid_t uid = 0, old;
	gid_t gid;
	int err;

	if (!kill(pid, sig))
		return 0;
	err = -errno;
	if (err != -EPERM || task_ids(pid, false, &uid, &gid))
		return err;
	old = geteuid();
	if (seteuid(uid))
		return -errno;
	err = kill(pid, sig) ? -errno : 0;
	if (seteuid(old))
		err = -errno;
	return err;
}
