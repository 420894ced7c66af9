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

/* The message for a kernel that refuses to load BPF LSM programs (err < 0). */
void stk_kernel_load_error(int err, char *why, size_t why_len);

#endif /* STK_KERNEL_CHECK_H */
