// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * roots_status.c - the container roots, as `stockade status` shows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgroup_path.h"
#include "generation.h"
#include "pin.h"
#include "roots_status.h"
#include "stk_abi.h"

/* A cgroup's worst mark in the generation in force. */
struct mark_of {
	__u64 cgroup_id;
	__u32 state; /* STK_ROOT_READY or STK_ROOT_FAILED */
};

static int cmp_mark(const void *a, const void *b)
{
	__u64 x = ((const struct mark_of *)a)->cgroup_id, y = ((const struct mark_of *)b)->cgroup_id;

	return x < y ? -1 : x > y;
}

/*
 * The marks of generation @slot, one pass over the map, sorted by cgroup
 * (a cgroup with several scopes: its worst). NULL with *@n 0 when none.
 */
static struct mark_of *read_marks(int ready_fd, uint32_t slot, size_t *n)
{
	struct stk_root_ready_key key, next;
	struct mark_of *v = NULL, *p;
	void *prev = NULL;
	size_t cap = 0, i, out = 0;
	__u32 state;

	*n = 0;
	while (!bpf_map_get_next_key(ready_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.slot != slot || bpf_map_lookup_elem(ready_fd, &key, &state))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(v, cap * sizeof(*v));
			if (!p)
				break;
			v = p;
		}
		v[(*n)++] = (struct mark_of){ key.cgroup_id, state };
	}
	if (!*n)
		return v;
	qsort(v, *n, sizeof(*v), cmp_mark);
	for (i = 1; i < *n; i++) {
		if (v[i].cgroup_id != v[out].cgroup_id)
			v[++out] = v[i];
		else if (v[i].state == STK_ROOT_FAILED)
			v[out].state = STK_ROOT_FAILED;
	}
	*n = out + 1;
	return v;
}

static const char *state_of(const struct mark_of *marks, size_t n, __u64 id)
{
	struct mark_of key = { .cgroup_id = id };
	const struct mark_of *m = n ? bsearch(&key, marks, n, sizeof(*marks), cmp_mark) : NULL;

	if (!m)
		return "waiting";
	return m->state == STK_ROOT_FAILED ? "failed" : "ready";
}

struct json_object *stk_roots_status_json(const char *pin_dir)
{
	int records = stk_pin_open_map(pin_dir, "stk_cgroup_roots", BPF_F_RDONLY);
	int ready = stk_pin_open_map(pin_dir, "stk_root_ready", BPF_F_RDONLY);
	int config = stk_pin_open_map(pin_dir, "stk_config", BPF_F_RDONLY);
	struct stk_cgroup_names *names = NULL;
	struct mark_of *marks = NULL;
	size_t n_marks = 0;
	struct json_object *arr = NULL, *o;
	struct stk_root_rec rec;
	char mount[4096], dev[32];
	const char *path;
	uint32_t slot = 0;
	__u64 key, next;
	void *prev = NULL;

	if (records < 0 || ready < 0 || config < 0 || stk_gen_active(config, &slot))
		goto cleanup;
	marks = read_marks(ready, slot, &n_marks);
	if (stk_cgroup2_mount(mount, sizeof(mount)) == 0)
		stk_cgroup_names_new(&names, mount);
	arr = json_object_new_array();
	while (!bpf_map_get_next_key(records, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(records, &key, &rec))
			continue;
		o = json_object_new_object();
		path = names ? stk_cgroup_names_get(names, key) : NULL;
		if (path)
			json_object_object_add(o, "cgroup", json_object_new_string(path));
		json_object_object_add(o, "cgroup_id", json_object_new_uint64(key));
		snprintf(dev, sizeof(dev), "%u:%u", rec.dev >> 20, rec.dev & 0xfffff);
		json_object_object_add(o, "root_dev", json_object_new_string(dev));
		json_object_object_add(o, "root_ino", json_object_new_uint64(rec.ino));
		json_object_object_add(o, "recorded_by_pid", json_object_new_int64(rec.pid));
		json_object_object_add(o, "state",
				       json_object_new_string(state_of(marks, n_marks, key)));
		json_object_array_add(arr, o);
	}
cleanup:
	free(marks);
	stk_cgroup_names_free(names);
	if (records >= 0)
		close(records);
	if (ready >= 0)
		close(ready);
	if (config >= 0)
		close(config);
	return arr;
}
