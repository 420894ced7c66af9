/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * policy_perm.h - refuse policies others could have written (sshd's
 * StrictModes): whoever can change a policy file, or rename something in a
 * directory above it, decides what stockade enforces.
 */
#ifndef STK_POLICY_PERM_H
#define STK_POLICY_PERM_H

#include <stddef.h>

#include "policy.h"
#include "policy_load.h"

/*
 * stk_policy_perm_check() - every loaded policy file, every directory named
 * in @paths, and every directory above them must be owned by root and not
 * writable by group or others (a root-owned sticky directory such as /tmp
 * is accepted: others cannot rename or remove root's entries in it).
 * Each problem lands in @diags.
 *
 * Return: 0 or -EPERM.
 */
int stk_policy_perm_check(const struct stk_policy_set *s, char *const *paths, size_t n_paths,
			  struct stk_diags *diags);

#endif /* STK_POLICY_PERM_H */
