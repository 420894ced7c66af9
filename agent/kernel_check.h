/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * kernel_check.h - can this kernel enforce a policy with BPF LSM?
 */
#ifndef STK_KERNEL_CHECK_H
#define STK_KERNEL_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * stk_kernel_check() - verify that BPF LSM is active and BTF is present.
 * Mounts securityfs when it is not mounted yet. On failure, @why receives
 * a sentence that says what is missing and how to enable it.
 *
 * Return: 0, or a negative errno.
 */
int stk_kernel_check(char *why, size_t why_len);

/*
 * stk_kernel_addresses_shown() - whether /proc/kallsyms shows this process
 * the kernel's addresses. libbpf resolves the file walk's caches' __ksym
 * externs (rename_lock, mount_lock: bpf/lsm/file_cache.bpf.h) from it at
 * load; without CAP_SYSLOG (when kernel.perf_event_paranoid is above 1,
 * Debian's default) every address reads 0 and the programs cache nothing.
 * Decided by the first text symbol (text is never at 0 when shown).
 */
bool stk_kernel_addresses_shown(void);

/* The message for a kernel that refuses to load BPF LSM programs (err < 0). */
void stk_kernel_load_error(int err, char *why, size_t why_len);

#endif /* STK_KERNEL_CHECK_H */
