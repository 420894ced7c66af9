// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * persist.c - adopt, replace or create the pinned enforcement (persist.h).
 *
 * Which policy the pins enforce is recorded with them, in a one-entry map
 * "stk_state" pinned beside the others: it lives and dies with the pins,
 * which a file elsewhere would not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "persist.h"
#include "pin.h"

struct stk_state {
	uint64_t digest;
	uint64_t loaded_realtime_s;
};

static int state_read(const char *dir, struct stk_state *ret)
{
	int fd = stk_pin_open_map(dir, "stk_state", BPF_F_RDONLY), err = 0;
	uint32_t zero = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, ret))
		err = -errno;
	close(fd);
	return err;
}

static int state_pin(const char *dir, uint64_t digest)
{
	struct stk_state s = { .digest = digest, .loaded_realtime_s = time(NULL) };
	char path[4096];
	uint32_t zero = 0;
	int fd, err = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "stk_state", sizeof(zero), sizeof(s), 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, &s, 0))
		err = -errno;
	if (!err && snprintf(path, sizeof(path), "%s/maps/stk_state", dir) >= (int)sizeof(path))
		err = -ENAMETOOLONG;
	if (!err && bpf_obj_pin(fd, path))
		err = -errno;
	close(fd);
	return err;
}

static int load_attach_pin(struct stk_enforcer **ret, const struct stk_enforcer_input *in,
			   const char *dir, bool pin_now, char *why, size_t why_len)
{
	struct stk_enforcer *e = NULL;
	int err;

	err = stk_enforcer_load(&e, in, why, why_len);
	if (!err)
		err = stk_enforcer_attach(e, why, why_len);
	if (!err && pin_now)
		err = stk_enforcer_pin(e, dir, why, why_len);
	if (!err && pin_now) {
		err = state_pin(dir, stk_enforcer_digest(in));
		if (err)
			snprintf(why, why_len, "pinning the state map failed: %s", strerror(-err));
	}
	if (err) {
		stk_enforcer_destroy(e);
		if (pin_now)
			stk_pin_remove_all(dir);
		return err;
	}
	*ret = e;
	return 0;
}

int stk_persist_start(struct stk_enforcer **ret, const struct stk_enforcer_input *in,
		      const char *pin_dir, stk_drain_fn drain, void *arg, char *why,
		      size_t why_len)
{
	struct stk_enforcer *old = NULL, *e = NULL;
	struct stk_state state = {};
	int err;

	err = stk_enforcer_adopt(&old, pin_dir, why, why_len);
	if (err == -ENOENT) {
		/* Leftovers without a link enforce nothing; they would only collide. */
		err = stk_pin_remove_all(pin_dir);
		if (err) {
			snprintf(why, why_len, "removing stale pins under %s failed: %s%s", pin_dir,
				 strerror(-err), err == -EPERM ? " (a protected stockade is "
				 "pinned there: start stockade through the service manager)" : "");
			return err;
		}
		return load_attach_pin(ret, in, pin_dir, true, why, why_len);
	}
	if (err)
		return err;
	/*
	 * Pins without the network programs (made while there was no cgroup v2
	 * mount) could take no network rules at a later reload: replace them,
	 * so that every agent holds them when the host has the mount.
	 */
	if (stk_enforcer_lacks_net(pin_dir)) {
		stk_info("persist", "the programs pinned under %s have no network programs: "
				    "replacing them without a gap", pin_dir);
		goto replace;
	}
	if (state_read(pin_dir, &state) == 0 && state.digest == stk_enforcer_digest(in)) {
		stk_info("persist", "adopted the programs pinned under %s (loaded %llu s ago)",
			 pin_dir, (unsigned long long)(time(NULL) - state.loaded_realtime_s));
		*ret = old;
		return 0;
	}
	/* Another policy is pinned: switch the adopted programs to ours, in one step. */
	err = stk_enforcer_reload(pin_dir, in, why, why_len);
	if (!err && stk_persist_record(pin_dir, stk_enforcer_digest(in)) == 0) {
		stk_info("persist", "adopted the programs pinned under %s and switched them to "
				    "this policy", pin_dir);
		*ret = old;
		return 0;
	}
	stk_info("persist", "the policy pinned under %s differs and cannot be switched in "
			    "place (%s): replacing the programs without a gap", pin_dir, why);
replace:
	/*
	 * Make before break: the new programs are attached (held by our fds)
	 * before the old pins go, then pinned.
	 */
	why[0] = '\0';
	err = load_attach_pin(&e, in, pin_dir, false, why, why_len);
	if (err)
		goto cleanup;
	if (drain)
		drain(stk_enforcer_events_fd(old), arg);
	err = stk_pin_remove_all(pin_dir);
	if (err) {
		snprintf(why, why_len, "removing the old pins under %s failed: %s", pin_dir,
			 strerror(-err));
		goto cleanup;
	}
	err = stk_enforcer_pin(e, pin_dir, why, why_len);
	if (!err) {
		err = state_pin(pin_dir, stk_enforcer_digest(in));
		if (err)
			snprintf(why, why_len, "pinning the state map failed: %s", strerror(-err));
	}
	if (err) {
		stk_pin_remove_all(pin_dir);
		goto cleanup;
	}
	*ret = e;
	e = NULL;
cleanup:
	stk_enforcer_destroy(e);
	stk_enforcer_destroy(old);
	return err;
}

int stk_persist_record(const char *pin_dir, uint64_t digest)
{
	struct stk_state s = { .digest = digest, .loaded_realtime_s = time(NULL) };
	int fd = stk_pin_open_map(pin_dir, "stk_state", 0), err = 0;
	uint32_t zero = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, &s, 0))
		err = -errno;
	close(fd);
	return err;
}

int stk_counter_read(int fd, uint32_t which, uint64_t *ret)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	uint64_t *vals, sum = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &which, vals)) {
		free(vals);
		return -errno;
	}
	for (i = 0; i < ncpu; i++)
		sum += vals[i];
	free(vals);
	*ret = sum;
	return 0;
}
