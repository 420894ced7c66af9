// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * roots_status.c - the container roots, as `stockade status` shows them.
 */
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgroup_path.h"
#include "generation.h"
#include "pin.h"
#include "roots_status.h"
#include "stk_abi.h"

/* The worst mark any scope of @id has in generation @slot. */
static const char *state_of(int ready_fd, __u64 id, uint32_t slot)
{
	struct stk_root_ready_key key, next;
	const char *state = "waiting";
	void *prev = NULL;
	__u32 v;

	while (!bpf_map_get_next_key(ready_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.cgroup_id != id || key.slot != slot ||
		    bpf_map_lookup_elem(ready_fd, &key, &v))
			continue;
		if (v == STK_ROOT_FAILED)
			return "failed";
		state = "ready";
	}
	return state;
}

struct json_object *stk_roots_status_json(const char *pin_dir)
{
	int records = stk_pin_open_map(pin_dir, "stk_cgroup_roots", BPF_F_RDONLY);
	int ready = stk_pin_open_map(pin_dir, "stk_root_ready", BPF_F_RDONLY);
	int config = stk_pin_open_map(pin_dir, "stk_config", BPF_F_RDONLY);
	struct stk_cgroup_names *names = NULL;
	struct json_object *arr = NULL, *o;
	struct stk_root_rec rec;
	char mount[4096], dev[32];
	const char *path;
	uint32_t slot = 0;
	__u64 key, next;
	void *prev = NULL;

	if (records < 0 || ready < 0 || config < 0 || stk_gen_active(config, &slot))
		goto cleanup;
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
				       json_object_new_string(state_of(ready, key, slot)));
		json_object_array_add(arr, o);
	}
cleanup:
	stk_cgroup_names_free(names);
	if (records >= 0)
		close(records);
	if (ready >= 0)
		close(ready);
	if (config >= 0)
		close(config);
	return arr;
}
