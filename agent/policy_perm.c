// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * policy_perm.c - ownership and mode checks of policy files (policy_perm.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy_perm.h"

/* Checks one resolved path and returns whether it is acceptable. */
static bool safe_one(const char *shown, const char *real, struct stk_diags *diags)
{
	struct stat st;

	if (stat(real, &st)) {
		stk_diags_add(diags, shown, 0, 0, STK_SEV_ERROR, "cannot check %s: %s", real,
			      strerror(errno));
		return false;
	}
	if (st.st_uid != 0) {
		stk_diags_add(diags, shown, 0, 0, STK_SEV_ERROR,
			      "refusing the policy: %s is owned by uid %u, not root", real,
			      (unsigned)st.st_uid);
		return false;
	}
	if ((st.st_mode & 022) && !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))) {
		stk_diags_add(diags, shown, 0, 0, STK_SEV_ERROR,
			      "refusing the policy: %s is writable by %s (mode %04o); "
			      "run: chmod go-w %s",
			      real, (st.st_mode & 002) ? "others" : "its group",
			      (unsigned)(st.st_mode & 07777), real);
		return false;
	}
	return true;
}

/* @path and every directory above it. */
static int check_path(const char *path, struct stk_diags *diags)
{
	char *real = realpath(path, NULL), *slash;
	bool ok = true;

	if (!real) {
		stk_diags_add(diags, path, 0, 0, STK_SEV_ERROR, "cannot resolve: %s",
			      strerror(errno));
		return -EPERM;
	}
	/* The first problem from the file upwards is the one to fix. */
	for (;;) {
		ok = safe_one(path, real, diags);
		if (!ok)
			break;
		slash = strrchr(real, '/');
		if (!slash || slash == real)
			break;
		*slash = '\0';
	}
	if (ok && strcmp(real, "/"))
		ok = safe_one(path, "/", diags);
	free(real);
	return ok ? 0 : -EPERM;
}

static bool named(const char *file, char *const *paths, size_t n_paths)
{
	size_t i;

	for (i = 0; i < n_paths; i++)
		if (!strcmp(file, paths[i]))
			return true;
	return false;
}

int stk_policy_perm_check(const struct stk_policy_set *s, char *const *paths, size_t n_paths,
			  struct stk_diags *diags)
{
	int err = 0;
	size_t i;

	for (i = 0; i < n_paths; i++)
		if (check_path(paths[i], diags))
			err = -EPERM;
	for (i = 0; i < s->n_pols; i++)
		if (!named(s->pols[i]->file, paths, n_paths) && check_path(s->pols[i]->file, diags))
			err = -EPERM;
	return err;
}
