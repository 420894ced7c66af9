// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_ops.c - load and attach the capabilities, kernel and sockets sets.
 *
 * Three small skeletons with the same shape: each shares the ring buffer,
 * counters, config and agent mark with the sets loaded before it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "pin.h"
#include "caps.skel.h"
#include "kernel_check.h"
#include "kops.skel.h"
#include "lsm_ops.h"
#include "verifier_stats.h"
#include "sockets.skel.h"

struct stk_lsm_ops {
	struct stk_lsm_caps_bpf *caps;
	struct stk_lsm_kops_bpf *kops;
	struct stk_lsm_sockets_bpf *sockets;
};

static struct bpf_map *map_of(struct bpf_object *obj, const char *name)
{
	return bpf_object__find_map_by_name(obj, name);
}

/* Before load: size the ring buffer and take the shared maps. */
static int share(struct bpf_object *obj, const struct stk_shared_maps *s, size_t ringbuf_bytes)
{
	struct bpf_map *ev = map_of(obj, "stk_events"), *cnt = map_of(obj, "stk_counters");
	struct bpf_map *cfg = map_of(obj, "stk_config"), *agent = map_of(obj, "stk_agent_tasks");
	int err;

	if (!ev || !cnt || !cfg || !agent)
		return -ENOENT;
	bpf_map__set_max_entries(ev, ringbuf_bytes);
	err = stk_shared_maps_use(s, ev, cnt, cfg, map_of(obj, "stk_cgroup_scopes"));
	if (!err)
		err = stk_shared_maps_use_agent(s, agent);
	if (!err)
		err = stk_shared_maps_use_audit(s, obj);
	return err;
}

/* After load: the first set's maps become the shared ones. */
static void adopt(struct bpf_object *obj, struct stk_shared_maps *s)
{
	stk_shared_maps_adopt(s, map_of(obj, "stk_events"), map_of(obj, "stk_counters"),
			      map_of(obj, "stk_config"), map_of(obj, "stk_cgroup_scopes"));
	stk_shared_maps_adopt_agent(s, map_of(obj, "stk_agent_tasks"));
	stk_shared_maps_adopt_audit(s, obj);
}

/*
 * Opens, shares and loads one skeleton into o->field. A macro because each
 * skeleton has its own type and functions (prefix##__open, __load).
 */
#define LOAD_SET(field, prefix)                                                        \
	do {                                                                           \
		o->field = prefix##__open();                                           \
		if (!o->field) {                                                       \
			err = -errno;                                                  \
			snprintf(why, why_len, "opening the BPF object failed: %s",    \
				 strerror(-err));                                      \
			goto cleanup;                                                  \
		}                                                                      \
		err = share(o->field->obj, shared, ringbuf_bytes);                     \
		if (err) {                                                             \
			snprintf(why, why_len, "sharing maps failed: %s", strerror(-err)); \
			goto cleanup;                                                  \
		}                                                                      \
		err = prefix##__load(o->field);                                        \
		if (err) {                                                             \
			stk_kernel_load_error(err, why, why_len);                      \
			goto cleanup;                                                  \
		}                                                                      \
		stk_log_verified(o->field->obj);                                       \
		adopt(o->field->obj, shared);                                          \
	} while (0)

int stk_lsm_ops_load(struct stk_lsm_ops **ret, const struct stk_ops_config *ops,
		     struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
		     size_t why_len)
{
	struct stk_lsm_ops *o = calloc(1, sizeof(*o));
	int err = 0;

	if (!o)
		return -ENOMEM;
	/*
	 * Every set is loaded, even where today's policy names nothing for it:
	 * their verdicts live in the config, so a reload can switch them on.
	 */
	(void)ops;
	LOAD_SET(caps, stk_lsm_caps_bpf);
	LOAD_SET(kops, stk_lsm_kops_bpf);
	LOAD_SET(sockets, stk_lsm_sockets_bpf);
	*ret = o;
	return 0;
cleanup:
	stk_lsm_ops_destroy(o);
	return err;
}

int stk_lsm_ops_attach(struct stk_lsm_ops *o, char *why, size_t why_len)
{
	int err = 0;

	if (o->caps)
		err = stk_lsm_caps_bpf__attach(o->caps);
	if (!err && o->kops)
		err = stk_lsm_kops_bpf__attach(o->kops);
	if (!err && o->sockets)
		err = stk_lsm_sockets_bpf__attach(o->sockets);
	if (err)
		stk_kernel_load_error(err, why, why_len);
	return err;
}

int stk_lsm_ops_pin(const struct stk_lsm_ops *o, const char *dir)
{
	int err = 0;

	if (o && o->caps)
		err = stk_pin_skeleton(o->caps->skeleton, dir);
	if (!err && o && o->kops)
		err = stk_pin_skeleton(o->kops->skeleton, dir);
	if (!err && o && o->sockets)
		err = stk_pin_skeleton(o->sockets->skeleton, dir);
	return err;
}

void stk_lsm_ops_destroy(struct stk_lsm_ops *o)
{
	if (!o)
		return;
	stk_lsm_caps_bpf__destroy(o->caps);
	stk_lsm_kops_bpf__destroy(o->kops);
	stk_lsm_sockets_bpf__destroy(o->sockets);
	free(o);
}
