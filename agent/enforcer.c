// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * enforcer.c - load and attach all program sets (see enforcer.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "cgroup_path.h"
#include "cgroup_sock.h"
#include "enforcer.h"
#include "exec.skel.h"
#include "file_ops.skel.h"
#include "lsm_file.h"
#include "lsm_ops.h"
#include "lsm_walk_set.h"
#include "shared_maps.h"

struct stk_enforcer {
	struct stk_shared_maps shared;
	struct stk_lsm_file *file;
	struct stk_lsm_walk_set *file_ops; /* bpf/lsm/file_ops.bpf.c */
	struct stk_lsm_walk_set *exec;	    /* bpf/lsm/exec.bpf.c */
	struct stk_cgroup_sock *net; /* NULL when no policy has network rules */
	char net_cgroup[4096];
	struct stk_lsm_ops *ops;
};

static void config_from(const struct stk_compiled *c, struct stk_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->file_default = c->file_default;
	cfg->exec_flags = c->exec_flags;
	cfg->fileless_rule = c->fileless_rule;
	cfg->fileless_action = c->fileless_action;
	cfg->ops = c->ops;
}

int stk_enforcer_load(struct stk_enforcer **ret, const struct stk_enforcer_input *in, char *why,
		      size_t why_len)
{
	struct stk_enforcer *e = calloc(1, sizeof(*e));
	struct stk_config cfg;
	const void *elf;
	__u32 zero = 0;
	size_t size;
	int err;

	if (!e)
		return -ENOMEM;
	e->shared = (struct stk_shared_maps)STK_SHARED_MAPS_INIT;
	err = stk_lsm_file_load(&e->file, in->file_maps, &e->shared, in->ringbuf_bytes, why,
				why_len);
	if (!err) {
		elf = stk_lsm_file_ops_bpf__elf_bytes(&size);
		err = stk_lsm_walk_set_load(&e->file_ops, "stk_file_ops", elf, size, e->file,
					    &e->shared, why, why_len);
	}
	if (!err) {
		elf = stk_lsm_exec_bpf__elf_bytes(&size);
		err = stk_lsm_walk_set_load(&e->exec, "stk_exec", elf, size, e->file, &e->shared,
					    why, why_len);
	}
	if (err)
		goto cleanup;
	if (in->compiled->net && in->compiled->net->present) {
		err = stk_cgroup_sock_load(&e->net, in->compiled->net, &e->shared,
					   in->ringbuf_bytes, why, why_len);
		if (!err && in->net_cgroup)
			snprintf(e->net_cgroup, sizeof(e->net_cgroup), "%s", in->net_cgroup);
		else if (!err && (err = stk_cgroup2_mount(e->net_cgroup, sizeof(e->net_cgroup))))
			snprintf(why, why_len, "no cgroup v2 mount for the network rules: %s",
				 strerror(-err));
		if (err)
			goto cleanup;
	}
	err = stk_lsm_ops_load(&e->ops, &in->compiled->ops, &e->shared, in->ringbuf_bytes, why,
			       why_len);
	if (err)
		goto cleanup;
	config_from(in->compiled, &cfg);
	if (bpf_map_update_elem(e->shared.config_fd, &zero, &cfg, 0)) {
		err = -errno;
		snprintf(why, why_len, "writing the configuration map failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_shared_maps_mark_agent(&e->shared);
	if (err) {
		snprintf(why, why_len, "marking the agent's own process failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	*ret = e;
	return 0;
cleanup:
	stk_enforcer_destroy(e);
	return err;
}

int stk_enforcer_attach(struct stk_enforcer *e, char *why, size_t why_len)
{
	int err = stk_lsm_file_attach(e->file, why, why_len);

	if (!err)
		err = stk_lsm_walk_set_attach(e->file_ops, why, why_len);
	if (!err)
		err = stk_lsm_walk_set_attach(e->exec, why, why_len);
	if (!err && e->net)
		err = stk_cgroup_sock_attach(e->net, e->net_cgroup, why, why_len);
	if (!err)
		err = stk_lsm_ops_attach(e->ops, why, why_len);
	return err;
}

int stk_enforcer_events_fd(const struct stk_enforcer *e)
{
	return e->shared.events_fd;
}

int stk_enforcer_counters_fd(const struct stk_enforcer *e)
{
	return e->shared.counters_fd;
}

void stk_enforcer_destroy(struct stk_enforcer *e)
{
	if (!e)
		return;
	stk_lsm_walk_set_destroy(e->exec);
	stk_lsm_walk_set_destroy(e->file_ops);
	stk_lsm_file_destroy(e->file);
	stk_cgroup_sock_destroy(e->net);
	stk_lsm_ops_destroy(e->ops);
	free(e);
}
