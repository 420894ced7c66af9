// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * scope_set.c - the cgroup scope tracers and the walk of existing cgroups
 * (see scope_set.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "generation.h"
#include "kernel_check.h"
#include "log.h"
#include "pin.h"
#include "scope.skel.h"
#include "scope_set.h"
#include "verifier_stats.h"

struct stk_scope_set {
	struct stk_lsm_scope_bpf *skel;
	const struct stk_compiled *globs; /* the policy loaded: its globs, for the walk */
};

/*
 * Generation @slot's globs in their map entries; entries past the last are
 * zeroed (unused), as a slot may hold an older generation's globs.
 */
static int fill_globs(int fd, uint32_t slot, const struct stk_compiled *c)
{
	struct stk_glob_prog none;
	uint32_t i, key;

	memset(&none, 0, sizeof(none));
	for (i = 0; i < STK_GLOB_MAX; i++) {
		key = (slot - 1) * STK_GLOB_MAX + i;
		if (bpf_map_update_elem(fd, &key, i < c->n_globs ? &c->globs[i] : &none, 0))
			return -errno;
	}
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
	stk_log_verified(k->obj);
	err = fill_globs(bpf_map__fd(k->maps.stk_scope_globs), STK_GEN_FIRST, c);
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
	struct stk_scope_maps maps;
	const struct stk_glob_prog *globs[2]; /* of each generation slot (slot - 1) */
	size_t n_globs[2];
	uint32_t slot;			/* the generation whose entries are written */
	uint64_t flags;			/* of those entries' updates */
	bool warn_ties;			/* on the first pass only */
	const struct stk_compiled *c;	/* its policy, for the names */
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

/*
 * The results of the cgroup @id (@e), for the tracer, and its entry of
 * generation @w->slot, for the hooks. A reload replaces the inactive
 * slot's entry, which no program reads (stk_gen_switch() waited them
 * out); the first fill, in force at once, only adds: an entry there is
 * the tracer's, from the same globs and parent, and may be read already.
 */
static int write_cgroup(const struct walk *w, uint64_t id, const struct stk_cgroup_gens *e)
{
	const struct stk_cgroup_scope *mine = &e->gen[w->slot - 1];
	struct stk_cgroup_key key = { .cgroup_id = id, .slot = w->slot };
	struct stk_cgroup_entry entry = { .scope = mine->scope, .flags = mine->flags }, old;
	struct stk_cgroup_gens was;

	/*
	 * What is right already stays: a replaced element may be reused at
	 * once, under a tracer still copying it (the second pass rewrites
	 * nothing).
	 */
	if ((bpf_map_lookup_elem(w->maps.states_fd, &id, &was) || memcmp(&was, e, sizeof(*e))) &&
	    bpf_map_update_elem(w->maps.states_fd, &id, e, 0))
		return -errno;
	if (!bpf_map_lookup_elem(w->maps.scopes_fd, &key, &old) && !memcmp(&old, &entry, sizeof(old)))
		return 0;
	if (bpf_map_update_elem(w->maps.scopes_fd, &key, &entry, w->flags) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Writes the entries of the cgroup at @dirfd (from @e), then of its children. */
static void walk_dir(struct walk *w, int dirfd, const struct stk_cgroup_gens *e, int depth)
{
	const struct stk_cgroup_scope *mine = &e->gen[w->slot - 1];
	struct stk_cgroup_gens child;
	size_t len = strlen(w->path);
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, h, err;

	if (fstat(dirfd, &st)) {
		close(dirfd);
		return; /* removed meanwhile */
	}
	err = write_cgroup(w, st.st_ino, e);
	if (err) {
		if (!w->err)
			w->err = err;
		close(dirfd);
		return;
	}
	if (w->warn_ties && (mine->flags & STK_CGS_TIE))
		warn_tie(w, mine->scope);
	/* Listed only now that the entries are in: a child made from here on is the tracer's. */
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
		for (h = 0; h < 2; h++)
			stk_scope_child(w->globs[h], w->n_globs[h], &e->gen[h], de->d_name,
					&child.gen[h]);
		snprintf(w->path + len, sizeof(w->path) - len, "/%s", de->d_name);
		walk_dir(w, fd, &child, depth + 1);
		w->path[len] = '\0';
	}
	closedir(d);
}

int stk_scope_walk(const struct stk_scope_maps *maps, const char *mount, uint32_t slot,
		   const struct stk_compiled *c, const struct stk_glob_prog *other,
		   size_t n_other, uint64_t flags)
{
	struct stk_cgroup_gens root;
	struct walk *w;
	int dirfd, err, h, pass;

	if (slot != 1 && slot != 2)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->maps = *maps;
	w->slot = slot;
	w->flags = flags;
	w->warn_ties = true;
	w->c = c;
	w->globs[slot - 1] = c->globs;
	w->n_globs[slot - 1] = c->n_globs;
	w->globs[2 - slot] = other;
	w->n_globs[2 - slot] = n_other;
	for (h = 0; h < 2; h++)
		stk_scope_root(w->globs[h], w->n_globs[h], &root.gen[h]);
	/*
	 * Twice. The tracer runs inside mkdir(2) just before the new directory
	 * becomes visible: one that read its parent's results before this
	 * walk wrote them may still be invisible when the walk lists the
	 * parent, and is missed. The second pass lists it; a cgroup made
	 * during the second pass finds its parent's results written.
	 */
	for (pass = 0; pass < 2 && !w->err; pass++) {
		dirfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			w->err = -errno;
			break;
		}
		walk_dir(w, dirfd, &root, 0);
		w->warn_ties = false;
	}
	err = w->err;
	free(w);
	return err;
}

int stk_scope_set_attach(struct stk_scope_set *s, const char *mount, char *why, size_t why_len)
{
	struct stk_scope_maps maps;
	int err = stk_lsm_scope_bpf__attach(s->skel);

	if (err) {
		stk_kernel_load_error(err, why, why_len);
		return err;
	}
	/* Without scoped policies every cgroup is the host's: no entry needed. */
	if (!s->globs->n_globs)
		return 0;
	maps.states_fd = bpf_map__fd(s->skel->maps.stk_cgroup_states);
	maps.scopes_fd = bpf_map__fd(s->skel->maps.stk_cgroup_scopes);
	err = stk_scope_walk(&maps, mount, STK_GEN_FIRST, s->globs, NULL, 0, BPF_NOEXIST);
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

/* Generation @slot's globs as pinned, into @globs (STK_GLOB_MAX); their count in @n. */
static int read_globs(int fd, uint32_t slot, struct stk_glob_prog *globs, size_t *n)
{
	uint32_t i, key;

	*n = 0;
	for (i = 0; i < STK_GLOB_MAX; i++) {
		key = (slot - 1) * STK_GLOB_MAX + i;
		if (bpf_map_lookup_elem(fd, &key, &globs[i]))
			return -errno;
		if (globs[i].accept)
			*n = i + 1;
	}
	return 0;
}

int stk_scope_reload(const char *pin_dir, const char *mount, uint32_t next,
		     const struct stk_compiled *c, char *why, size_t why_len)
{
	struct stk_glob_prog *cur = calloc(STK_GLOB_MAX, sizeof(*cur));
	int globs_fd = stk_pin_open_map(pin_dir, "stk_scope_globs", 0);
	struct stk_scope_maps maps = {
		.states_fd = stk_pin_open_map(pin_dir, "stk_cgroup_states", 0),
		.scopes_fd = stk_pin_open_map(pin_dir, "stk_cgroup_scopes", 0),
	};
	size_t n_cur = 0;
	int err = !cur ? -ENOMEM : globs_fd < 0 ? globs_fd : maps.scopes_fd < 0 ? maps.scopes_fd : 0;

	/*
	 * The pins are this agent's layout: a restart adopts only pins whose
	 * digest, STK_PIN_LAYOUT included, matches (agent/persist.c).
	 */
	if (!err && maps.states_fd < 0)
		err = maps.states_fd;
	if (!err)
		err = read_globs(globs_fd, stk_gen_other(next), cur, &n_cur);
	if (err) {
		snprintf(why, why_len, "reading the pinned cgroup scope maps failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	/* The new globs first: a cgroup made during the walk gets its new entry from them. */
	err = fill_globs(globs_fd, next, c);
	if (err) {
		snprintf(why, why_len, "writing the new cgroup globs failed: %s", strerror(-err));
		goto cleanup;
	}
	/*
	 * No globs in either generation: every cgroup is the host's and needs
	 * no results for its children. Without new globs, entries an older
	 * generation left in this slot are not read: its stk_config.scopes is
	 * 0 (common.bpf.h).
	 */
	if (!n_cur && !c->n_globs)
		goto cleanup;
	err = stk_scope_walk(&maps, mount, next, c, cur, n_cur, BPF_ANY);
	if (err)
		snprintf(why, why_len, "writing the new scope of the cgroups under %s failed: %s%s",
			 mount, strerror(-err),
			 err == -E2BIG ? " (more cgroups than stk_cgroup_scopes holds)" : "");
cleanup:
	if (globs_fd >= 0)
		close(globs_fd);
	if (maps.states_fd >= 0)
		close(maps.states_fd);
	if (maps.scopes_fd >= 0)
		close(maps.scopes_fd);
	free(cur);
	return err;
}
