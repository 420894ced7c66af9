/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cgroup_path.h - find the cgroup v2 mount and name cgroups by id.
 *
 * A cgroup's id (what bpf_get_current_cgroup_id() returns) is the inode
 * number of its directory in the cgroup2 filesystem.
 */
#ifndef STK_CGROUP_PATH_H
#define STK_CGROUP_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * stk_cgroup2_mount() - the mount point of the cgroup v2 hierarchy
 * (/sys/fs/cgroup on pure v2 hosts, /sys/fs/cgroup/unified on hybrid ones).
 * Return: 0 or a negative errno (-ENOENT when none is mounted).
 */
int stk_cgroup2_mount(char *buf, size_t len);

/*
 * stk_cgroup_remove() - rmdir(2) of a cgroup the caller made, retried for
 * up to two seconds while it is busy (a child killed a moment ago may still
 * be leaving it). Return: 0 or a negative errno.
 */
int stk_cgroup_remove(const char *dir);

/*
 * stk_cgroup_gone() - whether cgroup @id no longer exists. @mount_fd: the
 * cgroup v2 mount's directory. kernfs opens a cgroup by its id as a file
 * handle (open_by_handle_at(2), which needs CAP_DAC_READ_SEARCH); any
 * other failure than "no such cgroup" answers false: when unsure, it
 * exists.
 */
bool stk_cgroup_gone(int mount_fd, uint64_t id);

struct stk_cgroup_names;

int stk_cgroup_names_new(struct stk_cgroup_names **ret, const char *mount);
/* The path of cgroup @id relative to the mount ("/" for the root), or NULL. */
const char *stk_cgroup_names_get(struct stk_cgroup_names *n, uint64_t id);
void stk_cgroup_names_free(struct stk_cgroup_names *n);

#endif /* STK_CGROUP_PATH_H */
