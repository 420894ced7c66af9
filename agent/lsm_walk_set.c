// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_walk_set.c - load and attach a program set that shares the file
 * set's rule maps (see lsm_walk_set.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "pin.h"
#include "kernel_check.h"
#include "tree_locks.h"
#include "verifier_stats.h"
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
	struct bpf_map *anc = map(obj, "stk_file_anc"), *self = map(obj, "stk_file_self");
	struct bpf_map *agent = map(obj, "stk_agent_tasks");
	int inodes_fd, names_fd, anc_fd, self_fd, err;

	if (!inodes || !names || !anc || !self || !events || !counters || !config || !agent)
		return -ENOENT;
	stk_lsm_file_rule_fds(file, &inodes_fd, &names_fd, &anc_fd, &self_fd);
	err = bpf_map__reuse_fd(inodes, inodes_fd);
	if (!err)
		err = bpf_map__reuse_fd(names, names_fd);
	/*
	 * One copy of each cache: an entry serves every hook, and a link that
	 * file_ops marks is seen by file_open.
	 */
	if (!err)
		err = bpf_map__reuse_fd(anc, anc_fd);
	if (!err)
		err = bpf_map__reuse_fd(self, self_fd);
	if (!err)
		err = stk_shared_maps_use(shared, events, counters, config,
					  map(obj, "stk_cgroup_scopes"));
	if (!err)
		err = stk_shared_maps_use_audit(shared, obj);
	/* The agent's mark: file_ops leaves the agent's unix socket sends alone. */
	if (!err)
		err = stk_shared_maps_use_agent(shared, agent);
	return err;
}

/*
 * Hooks whose arguments changed between kernels have one program per
 * prototype; only the one whose argument count is that of the running
 * kernel's bpf_lsm_<hook> is loaded (and attached, and pinned).
 */
struct hook_variant {
	const char *prog;
	const char *func;
	int nargs;
};

static const struct hook_variant hook_variants[] = {
	/* 6.8 put an idmap first. */
	{ "stk_inode_setattr", "bpf_lsm_inode_setattr", 3 },
	{ "stk_inode_setattr_noidmap", "bpf_lsm_inode_setattr", 2 },
};

static int kernel_func_nargs(const struct btf *btf, const char *func)
{
	const struct btf_type *t;
	int id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);

	if (id < 0)
		return id;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return -EINVAL;
	return btf_vlen(t);
}

static int pick_hook_variants(struct bpf_object *obj, char *why, size_t why_len)
{
	struct bpf_program *prog;
	struct btf *btf = NULL;
	int err = 0, n;
	size_t i;

	for (i = 0; i < sizeof(hook_variants) / sizeof(hook_variants[0]); i++) {
		const struct hook_variant *v = &hook_variants[i];

		prog = bpf_object__find_program_by_name(obj, v->prog);
		if (!prog)
			continue;
		if (!btf) {
			btf = btf__load_vmlinux_btf();
			if (!btf) {
				err = -errno;
				snprintf(why, why_len, "reading the kernel's BTF failed: %s",
					 strerror(-err));
				goto cleanup;
			}
		}
		n = kernel_func_nargs(btf, v->func);
		if (n < 0) {
			err = n;
			snprintf(why, why_len, "the kernel's BTF has no usable %s: %s", v->func,
				 strerror(-err));
			goto cleanup;
		}
		if (n != v->nargs)
			bpf_program__set_autoload(prog, false);
	}
cleanup:
	btf__free(btf);
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
	err = stk_tree_locks_set(s->obj);
	if (!err)
		err = share_maps(s->obj, file, shared);
	if (err) {
		snprintf(why, why_len, "sharing maps with %s failed: %s", name, strerror(-err));
		goto cleanup;
	}
	err = pick_hook_variants(s->obj, why, why_len);
	if (err)
		goto cleanup;
	err = bpf_object__load(s->obj);
	if (err) {
		stk_kernel_load_error(err, why, why_len);
		goto cleanup;
	}
	stk_log_verified(s->obj);
	stk_shared_maps_adopt(shared, map(s->obj, "stk_events"), map(s->obj, "stk_counters"),
			      map(s->obj, "stk_config"), map(s->obj, "stk_cgroup_scopes"));
	stk_shared_maps_adopt_audit(shared, s->obj);
	stk_shared_maps_adopt_agent(shared, map(s->obj, "stk_agent_tasks"));
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
		if (!bpf_program__autoload(prog))
			continue; /* the other kernel's variant */
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
