// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_filter.c - record filters for "stockade log" (see log_filter.h).
 */
#include <string.h>

#include "log_filter.h"

void stk_log_filter_init(struct stk_log_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->pid = -1;
	f->uid = -1;
}

bool stk_log_path_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!path || strncmp(path, prefix, n))
		return false;
	if (n && prefix[n - 1] == '/')
		return true;
	return path[n] == '\0' || path[n] == '/';
}

static bool rule_matches(const char *want, const struct stk_log_rec *r)
{
	const char *slash = strchr(want, '/');
	size_t pl;

	if (!slash)
		return !strcmp(want, r->rule);
	pl = slash - want;
	return strlen(r->policy) == pl && !strncmp(want, r->policy, pl) &&
	       !strcmp(slash + 1, r->rule);
}

static bool exe_matches(const char *want, const char *exe)
{
	const char *base;

	if (!exe)
		return false;
	/* Events carry the executable's name only (docs/audit.md): match a path by its name. */
	if (strchr(want, '/') && !strchr(exe, '/')) {
		base = strrchr(want, '/');
		return !strcmp(base + 1, exe);
	}
	if (strchr(want, '/'))
		return !strcmp(want, exe);
	base = strrchr(exe, '/');
	return !strcmp(want, base ? base + 1 : exe);
}

static bool eq(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

bool stk_log_filter_match(const struct stk_log_filter *f, const struct stk_log_rec *r)
{
	if (f->has_since && r->time_ns < f->since_ns)
		return false;
	if (f->has_until && r->time_ns > f->until_ns)
		return false;
	if (!eq(f->policy, r->policy) || !eq(f->hook, r->hook) || !eq(f->action, r->action) ||
	    !eq(f->comm, r->comm))
		return false;
	if (f->rule && !rule_matches(f->rule, r))
		return false;
	if (f->cgroup && (!r->cgroup || !stk_log_path_under(r->cgroup, f->cgroup)))
		return false;
	if (f->container && (!stk_log_rec_container(r) ||
			     strncmp(stk_log_rec_container(r), f->container, strlen(f->container))))
		return false;
	if (f->exe && !exe_matches(f->exe, r->exe))
		return false;
	if (f->path_prefix && !stk_log_path_under(r->path, f->path_prefix))
		return false;
	if (f->pid >= 0 && r->pid != f->pid)
		return false;
	if (f->uid >= 0 && r->uid != f->uid)
		return false;
	return true;
}
