// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * shared_maps.c - one ring buffer, counter array and config for all sets.
 */
#include <bpf/libbpf.h>

#include "shared_maps.h"

int stk_shared_maps_use(const struct stk_shared_maps *s, struct bpf_map *events,
			struct bpf_map *counters, struct bpf_map *config)
{
	int err;

	if (s->events_fd < 0)
		return 0;
	err = bpf_map__reuse_fd(events, s->events_fd);
	if (!err)
		err = bpf_map__reuse_fd(counters, s->counters_fd);
	if (!err)
		err = bpf_map__reuse_fd(config, s->config_fd);
	return err;
}

void stk_shared_maps_adopt(struct stk_shared_maps *s, struct bpf_map *events,
			   struct bpf_map *counters, struct bpf_map *config)
{
	if (s->events_fd >= 0)
		return;
	s->events_fd = bpf_map__fd(events);
	s->counters_fd = bpf_map__fd(counters);
	s->config_fd = bpf_map__fd(config);
}
