// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * scope_set.c - the cgroup scope tracers and the walk of existing cgroups
 * (see scope_set.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel_check.h"
#include "log.h"
#include "pin.h"
#include "scope.skel.h"
#include "scope_set.h"

struct stk_scope_set {
	struct stk_lsm_scope_bpf *skel;
	const struct stk_compiled *globs; /* the policy loaded: its globs, for the walk */
};

/* The globs in their map slots; slots past the last stay zero (unused). */
static int fill_globs(int fd, const struct stk_compiled *c)
{
	uint32_t i;

	for (i = 0; i < c->n_globs && i < STK_GLOB_MAX; i++)
		if (bpf_map_update_elem(fd, &i, &c->globs[i], 0))
			return -errno;
	return 0;
}

int stk_scope_set_load(struct stk_scope_set **ret, const struct stk_compiled *c,
		       struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
		       size_t why_len)
{
	struct stk_scope_set *s = calloc(1, sizeof(*s));
	struct stk_lsm_scope_bpf *k;
	int err;

	if (!s)
		return -ENOMEM;
	k = s->skel = stk_lsm_scope_bpf__open();
	if (!k) {
		err = -errno;
		snprintf(why, why_len, "opening the cgroup scope programs failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	bpf_map__set_max_entries(k->maps.stk_events, ringbuf_bytes);
	err = stk_shared_maps_use(shared, k->maps.stk_events, k->maps.stk_counters,
				  k->maps.stk_config, k->maps.stk_cgroup_scopes);
	if (err) {
		snprintf(why, why_len, "sharing maps failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_lsm_scope_bpf__load(k);
	if (err) {
		stk_kernel_load_error(err, why, why_len);
		goto cleanup;
	}
	err = fill_globs(bpf_map__fd(k->maps.stk_scope_globs), c);
	if (err) {
		snprintf(why, why_len, "writing the cgroup globs failed: %s", strerror(-err));
		goto cleanup;
	}
	stk_shared_maps_adopt(shared, k->maps.stk_events, k->maps.stk_counters,
			      k->maps.stk_config, k->maps.stk_cgroup_scopes);
	s->globs = c;
	*ret = s;
	return 0;
cleanup:
	stk_scope_set_destroy(s);
	return err;
}

struct walk {
	int fd;
	const struct stk_compiled *c;
	char path[4096]; /* relative to the mount: "" for the root, "/a/b" below */
	int err;
};

static void warn_tie(const struct walk *w, unsigned int scope)
{
	const char *name = scope && scope <= w->c->n_scopes ?
				   w->c->scope_policy[scope - 1]->name : "?";

	stk_warn("scope", "cgroup %s matches the globs of more than one scoped policy: "
		 "'%s' (loaded first) applies", w->path[0] ? w->path : "/", name);
}

/* Writes the entry of the cgroup at @dirfd (with @e), then of its children. */
static void walk_dir(struct walk *w, int dirfd, const struct stk_cgroup_scope *e, int depth)
{
	struct stk_cgroup_scope child;
	size_t len = strlen(w->path);
	struct dirent *de;
	struct stat st;
	uint64_t id;
	DIR *d;
	int fd;

	if (fstat(dirfd, &st)) {
		close(dirfd);
		return; /* removed meanwhile */
	}
	id = st.st_ino;
	if (bpf_map_update_elem(w->fd, &id, e, 0)) {
		if (!w->err)
			w->err = -errno;
		close(dirfd);
		return;
	}
	if (e->flags & STK_CGS_TIE)
		warn_tie(w, e->scope);
	/* Listed only now that the entry is in: a child made from here on is the tracer's. */
	d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth >= 256 || len + 1 + strlen(de->d_name) >= sizeof(w->path))
			continue;
		fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		stk_scope_child(w->c->globs, w->c->n_globs, e, de->d_name, &child);
		snprintf(w->path + len, sizeof(w->path) - len, "/%s", de->d_name);
		walk_dir(w, fd, &child, depth + 1);
		w->path[len] = '\0';
	}
	closedir(d);
}

int stk_scope_walk(int fd, const char *mount, const struct stk_compiled *c)
{
	struct stk_cgroup_scope root;
	struct walk *w = calloc(1, sizeof(*w));
	int dirfd, err;

	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->c = c;
	dirfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		err = -errno;
		free(w);
		return err;
	}
	stk_scope_root(c->globs, c->n_globs, &root);
	walk_dir(w, dirfd, &root, 0);
	err = w->err;
	free(w);
	return err;
}

int stk_scope_set_attach(struct stk_scope_set *s, const char *mount, char *why, size_t why_len)
{
	int err = stk_lsm_scope_bpf__attach(s->skel);

	if (err) {
		stk_kernel_load_error(err, why, why_len);
		return err;
	}
	/* Without scoped policies every cgroup is the host's: no entry needed. */
	if (!s->globs->n_globs)
		return 0;
	err = stk_scope_walk(bpf_map__fd(s->skel->maps.stk_cgroup_scopes), mount, s->globs);
	if (err)
		snprintf(why, why_len, "writing the scope of the cgroups under %s failed: %s%s",
			 mount, strerror(-err),
			 err == -E2BIG ? " (more cgroups than stk_cgroup_scopes holds)" : "");
	return err;
}

int stk_scope_set_pin(const struct stk_scope_set *s, const char *dir)
{
	return s ? stk_pin_skeleton(s->skel->skeleton, dir) : 0;
}

void stk_scope_set_destroy(struct stk_scope_set *s)
{
	if (!s)
		return;
	stk_lsm_scope_bpf__destroy(s->skel);
	free(s);
}

int stk_scope_globs_same(const char *pin_dir, const struct stk_compiled *c)
{
	struct stk_glob_prog *have = malloc(sizeof(*have)), none;
	int fd = stk_pin_open_map(pin_dir, "stk_scope_globs", 0), err = 0;
	uint32_t i;

	if (fd < 0) {
		free(have);
		/* Pins from before scopes existed: only a policy without scopes fits. */
		return fd == -ENOENT ? (c->n_globs ? -ESTALE : 0) : fd;
	}
	if (!have) {
		close(fd);
		return -ENOMEM;
	}
	memset(&none, 0, sizeof(none));
	for (i = 0; i < STK_GLOB_MAX && !err; i++) {
		if (bpf_map_lookup_elem(fd, &i, have))
			err = -errno;
		else if (memcmp(have, i < c->n_globs ? &c->globs[i] : &none, sizeof(*have)))
			err = -ESTALE;
	}
	close(fd);
	free(have);
	return err;
}
