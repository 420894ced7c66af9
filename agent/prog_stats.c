// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * prog_stats.c - runs and run time of the attached programs (see prog_stats.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "pin.h"
#include "prog_stats.h"

bool stk_prog_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
	int v = 0;

	if (!f)
		return false;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	fclose(f);
	return v == 1;
}

int stk_prog_stat_of_link(int link_fd, struct stk_prog_stat *s)
{
	struct bpf_link_info li = {};
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(li);
	int fd, err = 0;

	if (bpf_obj_get_info_by_fd(link_fd, &li, &len))
		return -errno;
	fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (fd < 0)
		return -errno;
	len = sizeof(pi);
	if (bpf_obj_get_info_by_fd(fd, &pi, &len)) {
		err = -errno;
	} else {
		memset(s, 0, sizeof(*s));
		s->id = pi.id;
		memcpy(s->name, pi.name, sizeof(s->name) - 1);
		s->runs = pi.run_cnt;
		s->run_ns = pi.run_time_ns;
	}
	close(fd);
	return err;
}

static int add_link(const char *name, int link_fd, void *arg)
{
	struct stk_prog_stats *st = arg;
	struct stk_prog_stat s, *p;
	size_t i;

	(void)name;
	if (stk_prog_stat_of_link(link_fd, &s))
		return 0; /* detached in between: it has nothing to count any more */
	for (i = 0; i < st->n; i++)
		if (st->v[i].id == s.id)
			return 0;
	p = realloc(st->v, (st->n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	st->v = p;
	st->v[st->n++] = s;
	return 0;
}

int stk_prog_stats_read(const char *pin_dir, struct stk_prog_stats *out)
{
	struct stk_prog_stats st = { .enabled = stk_prog_stats_enabled() };
	int err = stk_pin_for_each_link(pin_dir, add_link, &st);

	if (err) {
		stk_prog_stats_free(&st);
		*out = st;
		return err;
	}
	*out = st;
	return 0;
}

void stk_prog_stats_free(struct stk_prog_stats *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
