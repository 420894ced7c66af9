/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * resolve.h - turn the compiled path table into the kernel's map entries.
 *
 * The kernel judges a file by inode, so every rule path is resolved here
 * once: to the inode it names now (an inode key) and to "this name in that
 * directory" (a name key, which keeps protecting the path when the file is
 * replaced by rename).
 */
#ifndef STK_RESOLVE_H
#define STK_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

struct stk_inode_entry {
	struct stk_inode_key key;
	struct stk_file_value val;
};

struct stk_name_entry {
	struct stk_name_key key;
	struct stk_file_value val;
};

struct stk_file_maps {
	struct stk_inode_entry *inodes;
	size_t n_inodes;
	struct stk_name_entry *names;
	size_t n_names;
	/*
	 * The access kinds that entries added by stk_file_maps_add_inode()
	 * rule (stk_file_value_ruled()): the agent's own keys. What
	 * resolution writes comes from the compiled tables, whose
	 * stk_compiled.file_unruled already excludes it.
	 */
	uint8_t added_ruled;
	/*
	 * What their subtree verdicts say (stk_config.file_keyed_*): an inode
	 * key's exact verdict is found at the file itself, even where the walk
	 * cannot see its directories.
	 */
	struct stk_file_keyed added_keyed;
};

/*
 * Called for each rule path that names nothing on this host yet; @named
 * tells whether its directory exists, so the path is still protected when
 * it is created.
 */
typedef void (*stk_resolve_warn_fn)(const char *path, int err, bool named, void *arg);

/*
 * stk_resolve_files() - resolve every path of @c. Paths that do not exist
 * are reported through @warn and kept as name keys where their directory
 * exists. Entries for the same key are combined (the most severe verdict
 * per access kind wins).
 *
 * Return: 0 or a negative errno.
 */
int stk_resolve_files(const struct stk_compiled *c, struct stk_file_maps *ret,
		      stk_resolve_warn_fn warn, void *arg);
/*
 * stk_resolve_scope_in_root() - the entries of scope @scope (1..) of @c with
 * its paths looked up in another root: @root_fd (e.g. /proc/PID/root opened
 * O_PATH), whose mounts @mountinfo (/proc/PID/mountinfo) lists. Paths that
 * name nothing there are left out silently (the agent's own resolution
 * already warned about the policy). Return: 0 or a negative errno.
 */
int stk_resolve_scope_in_root(const struct stk_compiled *c, unsigned int scope, int root_fd,
			      const char *mountinfo, struct stk_file_maps *ret);
void stk_file_maps_free(struct stk_file_maps *m);
/* Sets @v to "no verdict" (every action none, every rule STK_RULE_NONE). */
void stk_file_value_empty(struct stk_file_value *v);
/* The inode key of the open file @fd (generation 0). */
int stk_inode_key_of_fd(int fd, struct stk_inode_key *ret);
/*
 * Adds an entry for @key to @m; where @m has one already, the access kinds
 * @val decides replace its verdicts (the agent's own rules come first).
 * The kinds @val rules join @m->added_ruled.
 */
int stk_file_maps_add_inode(struct stk_file_maps *m, const struct stk_inode_key *key,
			    const struct stk_file_value *val);

/* Combines @src into @dst: per access kind, the more severe action wins. */
void stk_verdict_combine(struct stk_file_verdict *dst, const struct stk_file_verdict *src);
/* The same for both verdicts of an entry; flags add up. */
void stk_file_value_combine(struct stk_file_value *dst, const struct stk_file_value *src);

#endif /* STK_RESOLVE_H */
