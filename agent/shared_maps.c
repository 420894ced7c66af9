// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * shared_maps.c - one ring buffer, counter array and config for all sets.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stk_abi.h"

#include "shared_maps.h"

int stk_shared_maps_use(const struct stk_shared_maps *s, struct bpf_map *events,
			struct bpf_map *counters, struct bpf_map *config, struct bpf_map *scopes)
{
	int err;

	if (s->events_fd < 0)
		return 0;
	err = bpf_map__reuse_fd(events, s->events_fd);
	if (!err)
		err = bpf_map__reuse_fd(counters, s->counters_fd);
	if (!err)
		err = bpf_map__reuse_fd(config, s->config_fd);
	/* A set without its copy of the scopes would judge everyone as the host. */
	if (!err)
		err = scopes ? bpf_map__reuse_fd(scopes, s->scopes_fd) : -ENOENT;
	return err;
}

void stk_shared_maps_adopt(struct stk_shared_maps *s, struct bpf_map *events,
			   struct bpf_map *counters, struct bpf_map *config,
			   struct bpf_map *scopes)
{
	if (s->events_fd >= 0)
		return;
	s->events_fd = bpf_map__fd(events);
	s->counters_fd = bpf_map__fd(counters);
	s->config_fd = bpf_map__fd(config);
	s->scopes_fd = scopes ? bpf_map__fd(scopes) : -1;
}

int stk_shared_maps_use_agent(const struct stk_shared_maps *s, struct bpf_map *agent)
{
	return s->agent_fd < 0 ? 0 : bpf_map__reuse_fd(agent, s->agent_fd);
}

void stk_shared_maps_adopt_agent(struct stk_shared_maps *s, struct bpf_map *agent)
{
	if (s->agent_fd < 0)
		s->agent_fd = bpf_map__fd(agent);
}

int stk_shared_maps_mark_agent(const struct stk_shared_maps *s)
{
	return stk_shared_maps_mark_pid(s, getpid());
}

int stk_shared_maps_mark_pid(const struct stk_shared_maps *s, pid_t pid)
{
	__u32 mark = STK_AGENT_MARK;
	int pidfd, err = 0;

	if (s->agent_fd < 0)
		return 0;
	/* Task storage is keyed by pidfd: it names this process, not a pid number. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	if (bpf_map_update_elem(s->agent_fd, &pidfd, &mark, BPF_ANY))
		err = -errno;
	close(pidfd);
	return err;
}

static const char *const audit_maps[] = { "stk_decisions", "stk_rate", "stk_rate_buckets" };

static int *audit_fd(struct stk_shared_maps *s, size_t i)
{
	int *fds[] = { &s->decisions_fd, &s->rate_fd, &s->buckets_fd };

	return fds[i];
}

int stk_shared_maps_use_audit(const struct stk_shared_maps *s, struct bpf_object *obj)
{
	struct bpf_map *m;
	size_t i;
	int err;

	for (i = 0; i < sizeof(audit_maps) / sizeof(audit_maps[0]); i++) {
		m = bpf_object__find_map_by_name(obj, audit_maps[i]);
		if (!m)
			return -ENOENT;
		if (*audit_fd((struct stk_shared_maps *)s, i) < 0)
			continue;
		err = bpf_map__reuse_fd(m, *audit_fd((struct stk_shared_maps *)s, i));
		if (err)
			return err;
	}
	return 0;
}

void stk_shared_maps_adopt_audit(struct stk_shared_maps *s, struct bpf_object *obj)
{
	struct bpf_map *m;
	size_t i;

	for (i = 0; i < sizeof(audit_maps) / sizeof(audit_maps[0]); i++) {
		m = bpf_object__find_map_by_name(obj, audit_maps[i]);
		if (m && *audit_fd(s, i) < 0)
			*audit_fd(s, i) = bpf_map__fd(m);
	}
}
