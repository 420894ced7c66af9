/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * explain.c - the decision for one access, read from the compiled table by
 * path string the way the kernel reads it by inode (see compile.c).
 */
#include <errno.h>
#include <string.h>

#include "path.h"
#include "policy.h"

static const struct stk_path_entry *find_entry(const struct stk_compiled *c, const char *s,
					       size_t len)
{
	size_t lo = 0, hi = c->n_paths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = c->paths[mid].path;
		int r = stk_path_cmp(p, strlen(p), s, len);

		if (r == 0)
			return &c->paths[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int decide(const struct stk_file_verdict *v, enum stk_file_access acc,
		  struct stk_decision *ret)
{
	ret->action = v->action[acc];
	ret->rule = v->rule[acc];
	return 0;
}

int stk_explain_file(const struct stk_compiled *c, const char *path, enum stk_file_access acc,
		     struct stk_decision *ret)
{
	const struct stk_path_entry *e;
	size_t len;
	int level;

	if (!c || !path || !ret || (unsigned int)acc >= STK_FACC_COUNT)
		return -EINVAL;
	len = strlen(path);
	if (!stk_path_is_normal(path, len))
		return -EINVAL;
	/* "/etc/" asks about the directory "/etc". */
	len = stk_path_norm_len(path, len);

	for (level = 0; len > 0; level++, len = stk_path_parent_len(path, len)) {
		e = find_entry(c, path, len);
		if (!e)
			continue;
		/* Presence by action byte, as the kernel sees it; see compile.c. */
		if (level == 0 && e->value.exact.action[acc] != STK_ACT_NONE)
			return decide(&e->value.exact, acc, ret);
		if (e->value.tree.action[acc] != STK_ACT_NONE)
			return decide(&e->value.tree, acc, ret);
	}
	return decide(&c->file_default, acc, ret);
}

int stk_tree_at_or_above(const struct stk_compiled *c, const char *dir,
			 struct stk_file_verdict *ret)
{
	const struct stk_path_entry *e;
	size_t len;
	int i;

	if (!c || !dir || !ret)
		return -EINVAL;
	len = strlen(dir);
	if (!stk_path_is_normal(dir, len))
		return -EINVAL;
	len = stk_path_norm_len(dir, len);
	for (; len > 0; len = stk_path_parent_len(dir, len)) {
		e = find_entry(c, dir, len);
		if (!e)
			continue;
		for (i = 0; i < STK_FACC_COUNT; i++) {
			if (e->value.tree.action[i] != STK_ACT_NONE) {
				*ret = e->value.tree;
				return 1;
			}
		}
	}
	return 0;
}
