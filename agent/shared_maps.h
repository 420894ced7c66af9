/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * shared_maps.h - the maps every program set shares.
 *
 * Each BPF object defines the shared maps (bpf/lsm/common.bpf.h); the first
 * set loaded creates them and every later set reuses those fds, so there is
 * one ring buffer, one counter array and one config for all hooks.
 */
#ifndef STK_SHARED_MAPS_H
#define STK_SHARED_MAPS_H

struct bpf_map;

struct stk_shared_maps {
	int events_fd;   /* -1 until the first set is loaded */
	int counters_fd;
	int config_fd;
	int scopes_fd;   /* stk_cgroup_scopes: read with the config by stk_get_config() */
	int agent_fd;    /* stk_agent_tasks: -1 until a set that shares it is loaded */
	int decisions_fd; /* stk_decisions, stk_rate, stk_rate_buckets: -1 until loaded */
	int rate_fd;
	int buckets_fd;
};

#define STK_SHARED_MAPS_INIT                                                                   \
	{ .events_fd = -1, .counters_fd = -1, .config_fd = -1, .scopes_fd = -1, .agent_fd = -1, \
	  .decisions_fd = -1, .rate_fd = -1, .buckets_fd = -1 }

/*
 * stk_shared_maps_use() - before a set is loaded: make its copies of the
 * shared maps the existing ones, if any exist yet.
 * Return: 0 or a negative errno.
 */
int stk_shared_maps_use(const struct stk_shared_maps *s, struct bpf_map *events,
			struct bpf_map *counters, struct bpf_map *config, struct bpf_map *scopes);
/* After a set is loaded: remember its maps if they are the first. */
void stk_shared_maps_adopt(struct stk_shared_maps *s, struct bpf_map *events,
			   struct bpf_map *counters, struct bpf_map *config,
			   struct bpf_map *scopes);

/*
 * The map that marks the agent's own process (stk_agent_tasks in
 * common.bpf.h, read by stk_current_is_agent()). A set whose programs ask
 * whether the current task is the agent must share it: _use_agent() before
 * load, _adopt_agent() after. Sets that never ask may leave their copy alone.
 */
int stk_shared_maps_use_agent(const struct stk_shared_maps *s, struct bpf_map *agent);
void stk_shared_maps_adopt_agent(struct stk_shared_maps *s, struct bpf_map *agent);
/*
 * stk_shared_maps_mark_agent() - mark the calling process as the agent, by
 * a pidfd of itself, so the programs exempt it. No-op when no set shares
 * the map. Call before attaching.
 * Return: 0 or a negative errno.
 */
int stk_shared_maps_mark_agent(const struct stk_shared_maps *s);
/* The same for the process @pid (the agent's event reader, forked by it). */
int stk_shared_maps_mark_pid(const struct stk_shared_maps *s, pid_t pid);

struct bpf_object;
/*
 * The maps of stk_event_admit() (decision counters and rate limit,
 * common.bpf.h): every set that sends events must share them, by
 * _use_audit() before load and _adopt_audit() after, or its decisions are
 * counted apart from everyone else's.
 * Return: 0 or a negative errno (-ENOENT: @obj lacks them).
 */
int stk_shared_maps_use_audit(const struct stk_shared_maps *s, struct bpf_object *obj);
void stk_shared_maps_adopt_audit(struct stk_shared_maps *s, struct bpf_object *obj);

#endif /* STK_SHARED_MAPS_H */
