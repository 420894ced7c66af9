/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sb_dev.h - the device number the kernel sees for a path.
 *
 * The BPF programs key a file by inode->i_sb->s_dev, but stat()'s st_dev is
 * not always that: overlayfs reports the underlying layer's device for
 * files when its layers sit on different file systems, and btrfs reports a
 * per-subvolume device. /proc/self/mountinfo shows each mount's s_dev, and
 * statx(STATX_MNT_ID) names the mount a path is on, so together they give
 * the number the kernel compares.
 */
#ifndef STK_SB_DEV_H
#define STK_SB_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

struct stk_mount_dev {
	__u64 mnt_id;
	__u32 dev;	  /* the kernel's encoding: major << 20 | minor */
	bool fs_root;	  /* mounts the root of its file system (not a subtree) */
	char *mountpoint; /* where, as this process sees it (unescaped) */
};

struct stk_mount_devs {
	struct stk_mount_dev *v; /* sorted by mnt_id */
	size_t n;
};

/* The kernel's dev_t encoding, as sb->s_dev holds it. */
__u32 stk_kernel_dev(unsigned int major, unsigned int minor);

/*
 * stk_mount_devs_parse() - reads mountinfo lines from @in into @ret.
 * Return: 0, -EINVAL on a line that is not mountinfo, or -ENOMEM.
 */
int stk_mount_devs_parse(FILE *in, struct stk_mount_devs *ret);
/* The same from /proc/self/mountinfo; -errno when it cannot be opened. */
int stk_mount_devs_read(struct stk_mount_devs *ret);
/* The same from @mountinfo, e.g. /proc/PID/mountinfo: mountpoints as PID sees them. */
int stk_mount_devs_read_file(const char *mountinfo, struct stk_mount_devs *ret);
/* The s_dev of mount @mnt_id: 0, or -ENOENT when @m does not list it. */
int stk_mount_devs_find(const struct stk_mount_devs *m, __u64 mnt_id, __u32 *ret_dev);
void stk_mount_devs_free(struct stk_mount_devs *m);

#endif /* STK_SB_DEV_H */
