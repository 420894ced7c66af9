/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tree_locks.h - the kernel addresses the file walk's caches read
 * (bpf/lsm/file_cache.bpf.h), given to each BPF object that has them.
 */
#ifndef STK_TREE_LOCKS_H
#define STK_TREE_LOCKS_H

#include <stdbool.h>

struct bpf_object;

/*
 * stk_tree_locks_known() - whether /proc/kallsyms shows this process the
 * addresses of rename_lock and mount_lock. Read once per process. Without
 * CAP_SYSLOG (when kernel.perf_event_paranoid is above 1, Debian's
 * default) every address reads 0, and the programs cache nothing.
 */
bool stk_tree_locks_known(void);
/* Why they are not known, as a phrase; NULL if they are. */
const char *stk_tree_locks_missing(void);

/*
 * stk_tree_locks_set() - writes both addresses (0 where not known) into
 * @obj's read-only constants stk_rename_lock_addr and stk_mount_lock_addr,
 * before it loads. An object without them is left alone.
 * Return: 0, or -EINVAL if the constants are not what the programs declare.
 */
int stk_tree_locks_set(struct bpf_object *obj);

#endif /* STK_TREE_LOCKS_H */
