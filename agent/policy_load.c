// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * policy_load.c - policy files to a compiled set (see policy_load.h).
 */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy_load.h"

#define POLICY_MAX_BYTES (256u << 20)

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int err = 0;

	if (!f)
		return -errno;
	do {
		if (cap - len < 65536) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > POLICY_MAX_BYTES) {
				err = -EFBIG;
				goto cleanup;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				goto cleanup;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		err = -EIO;
		goto cleanup;
	}
	*ret = buf;
	*ret_len = len;
	buf = NULL;
cleanup:
	free(buf);
	fclose(f);
	return err;
}

static int push_policy(struct stk_policy_set *s, struct stk_policy *p)
{
	struct stk_policy **v = realloc(s->pols, (s->n_pols + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->pols = v;
	s->pols[s->n_pols++] = p;
	return 0;
}

static int load_one(struct stk_policy_set *s, const char *path, struct stk_diags *diags)
{
	struct stk_policy *p = NULL;
	char *text = NULL;
	size_t len = 0;
	int err;

	err = read_file(path, &text, &len);
	if (err) {
		stk_diags_add(diags, path, 0, 0, STK_SEV_ERROR, "cannot read policy: %s",
			      strerror(-err));
		return -EINVAL;
	}
	err = stk_policy_parse(path, text, len, &p, diags);
	free(text);
	if (err)
		return err;
	err = push_policy(s, p);
	if (err)
		stk_policy_free(p);
	return err;
}

static int is_policy_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

static int load_dir(struct stk_policy_set *s, const char *dir, struct stk_diags *diags)
{
	struct dirent **list = NULL;
	char path[4096];
	int n, i, err = 0, e;

	n = scandir(dir, &list, is_policy_name, alphasort);
	if (n < 0) {
		stk_diags_add(diags, dir, 0, 0, STK_SEV_ERROR, "cannot read policy directory: %s",
			      strerror(errno));
		return -EINVAL;
	}
	if (n == 0)
		stk_diags_add(diags, dir, 0, 0, STK_SEV_ERROR, "no *.json policy files here");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		e = load_one(s, path, diags);
		if (e && !err)
			err = e; /* go on: report every file's errors at once */
		free(list[i]);
	}
	free(list);
	return n == 0 ? -EINVAL : err;
}

int stk_policy_set_load(char *const *paths, size_t n_paths, struct stk_policy_set **ret,
			struct stk_diags *diags)
{
	struct stk_policy_set *s = calloc(1, sizeof(*s));
	struct stat st;
	size_t i, j;
	int err = 0, e;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < n_paths; i++) {
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			e = load_dir(s, paths[i], diags);
		else
			e = load_one(s, paths[i], diags);
		if (e && !err)
			err = e;
	}
	if (err || diags->n_errors) {
		err = err ? err : -EINVAL;
		goto cleanup;
	}
	for (i = 0; i < s->n_pols; i++) {
		const struct stk_policy *p = s->pols[i];

		s->n_rules += p->files.n_rules + p->exec.n_rules + p->caps.n + p->kernel.n +
			      p->sockets.n + p->network.dir[STK_NET_CONNECT].n_rules +
			      p->network.dir[STK_NET_BIND].n_rules;
	}
	/* Policy names are how events name rules: they must be unique. */
	for (i = 0; i < s->n_pols; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(s->pols[i]->name, s->pols[j]->name))
				stk_diags_add(diags, s->pols[i]->file, 1, 1, STK_SEV_ERROR,
					      "policy name '%s' is already used by %s",
					      s->pols[i]->name, s->pols[j]->file);
	if (diags->n_errors) {
		err = -EINVAL;
		goto cleanup;
	}
	err = stk_compile(s->pols, s->n_pols, &s->compiled, diags);
	if (err)
		goto cleanup;
	*ret = s;
	return 0;
cleanup:
	stk_policy_set_free(s);
	return err;
}

void stk_policy_set_release_sources(struct stk_policy_set *s)
{
	size_t i;

	/*
	 * Status reports the policies' names, files and counts, and events
	 * the rule names (in s->compiled->rules): the rules themselves, the
	 * host's path table and the network tables are in the kernel now.
	 */
	stk_compiled_drop_paths(s->compiled);
	stk_compiled_drop_net(s->compiled);
	for (i = 0; i < s->n_pols; i++)
		stk_policy_drop_rules(s->pols[i]);
}

void stk_policy_set_free(struct stk_policy_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; s->pols && i < s->n_pols; i++)
		stk_policy_free(s->pols[i]);
	free(s->pols);
	stk_compiled_free(s->compiled);
	free(s);
}

void stk_policy_heap_setup(void)
{
	mallopt(M_MXFAST, 0);
}
