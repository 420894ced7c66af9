// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_walk_set.c - load and attach a program set that shares the file
 * set's rule maps (see lsm_walk_set.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "pin.h"
#include "kernel_check.h"
#include "lsm_walk_set.h"

#define STK_SET_MAX_PROGS 32

struct stk_lsm_walk_set {
	struct bpf_object *obj;
	struct bpf_link *links[STK_SET_MAX_PROGS];
	size_t n_links;
};

static struct bpf_map *map(struct bpf_object *obj, const char *name)
{
	return bpf_object__find_map_by_name(obj, name);
}

/* The file set's rule maps and the shared maps become this object's. */
static int share_maps(struct bpf_object *obj, const struct stk_lsm_file *file,
		      const struct stk_shared_maps *shared)
{
	struct bpf_map *inodes = map(obj, "stk_file_inodes"), *names = map(obj, "stk_file_names");
	struct bpf_map *events = map(obj, "stk_events"), *counters = map(obj, "stk_counters");
	struct bpf_map *config = map(obj, "stk_config");
	int inodes_fd, names_fd, err;

	if (!inodes || !names || !events || !counters || !config)
		return -ENOENT;
	stk_lsm_file_rule_fds(file, &inodes_fd, &names_fd);
	err = bpf_map__reuse_fd(inodes, inodes_fd);
	if (!err)
		err = bpf_map__reuse_fd(names, names_fd);
	if (!err)
		err = stk_shared_maps_use(shared, events, counters, config,
					  map(obj, "stk_cgroup_scopes"));
	return err;
}

int stk_lsm_walk_set_load(struct stk_lsm_walk_set **ret, const char *name, const void *elf,
			  size_t size, const struct stk_lsm_file *file,
			  struct stk_shared_maps *shared, char *why, size_t why_len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	struct stk_lsm_walk_set *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->obj = bpf_object__open_mem(elf, size, &opts);
	if (!s->obj) {
		err = -errno;
		snprintf(why, why_len, "opening the BPF object %s failed: %s", name,
			 strerror(-err));
		goto cleanup;
	}
	err = share_maps(s->obj, file, shared);
	if (err) {
		snprintf(why, why_len, "sharing maps with %s failed: %s", name, strerror(-err));
		goto cleanup;
	}
	err = bpf_object__load(s->obj);
	if (err) {
		stk_kernel_load_error(err, why, why_len);
		goto cleanup;
	}
	stk_shared_maps_adopt(shared, map(s->obj, "stk_events"), map(s->obj, "stk_counters"),
			      map(s->obj, "stk_config"), map(s->obj, "stk_cgroup_scopes"));
	*ret = s;
	return 0;
cleanup:
	stk_lsm_walk_set_destroy(s);
	return err;
}

int stk_lsm_walk_set_attach(struct stk_lsm_walk_set *s, char *why, size_t why_len)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	bpf_object__for_each_program(prog, s->obj) {
		if (s->n_links == STK_SET_MAX_PROGS) {
			snprintf(why, why_len, "too many programs in one set");
			return -E2BIG;
		}
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			stk_kernel_load_error(err, why, why_len);
			return err;
		}
		s->links[s->n_links++] = link;
	}
	return 0;
}

int stk_lsm_walk_set_pin(const struct stk_lsm_walk_set *s, const char *dir)
{
	return s ? stk_pin_object(s->obj, s->links, s->n_links, dir) : 0;
}

void stk_lsm_walk_set_destroy(struct stk_lsm_walk_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_links; i++)
		bpf_link__destroy(s->links[i]);
	bpf_object__close(s->obj);
	free(s);
}
