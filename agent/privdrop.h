/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * privdrop.h - give up every privilege once enforcement is set up.
 *
 * The event reader (the process that parses kernel-supplied, attacker-
 * influenced event data) runs as an unprivileged user with no capability
 * in any set, no_new_privs, and a seccomp allow-list. See SECURITY.md.
 */
#ifndef STK_PRIVDROP_H
#define STK_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

#define STK_USER_DEFAULT "stockade"
#define STK_USER_FALLBACK "nobody"
#define STK_MAX_GROUPS 64

struct stk_ids {
	char name[64];
	uid_t uid;
	gid_t gid;
	gid_t groups[STK_MAX_GROUPS];
	int n_groups;
};

/*
 * stk_ids_lookup() - the ids of @user and its supplementary groups. When
 * @user is the default and does not exist, falls back to "nobody" (warns).
 * Root is refused: dropping to root drops nothing.
 */
int stk_ids_lookup(const char *user, struct stk_ids *ret);
/*
 * stk_privdrop() - switch to @ids for good: bounding and ambient sets
 * cleared, groups, gid and uid set, every capability set emptied, then
 * verified (the old ids cannot be regained), and no_new_privs set.
 * On failure the caller must exit: the process is in an unknown state.
 */
int stk_privdrop(const struct stk_ids *ids);
/* stk_seccomp_reader() - the event reader's allow-list; anything else kills it. */
int stk_seccomp_reader(void);

#endif /* STK_PRIVDROP_H */
