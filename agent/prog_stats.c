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

int stk_prog_info_of_link(int link_fd, struct bpf_link_info *li, struct bpf_prog_info *pi)
{
	__u32 len = sizeof(*li);
	int fd, err = 0;

	memset(li, 0, sizeof(*li));
	memset(pi, 0, sizeof(*pi));
	if (bpf_obj_get_info_by_fd(link_fd, li, &len))
		return -errno;
	fd = bpf_prog_get_fd_by_id(li->prog_id);
	if (fd < 0)
		return -errno;
	len = sizeof(*pi);
	if (bpf_obj_get_info_by_fd(fd, pi, &len))
		err = -errno;
	close(fd);
	return err;
}

static int add_link(const char *name, int link_fd, void *arg)
{
	struct stk_prog_stats *st = arg;
	struct bpf_link_info li;
	struct bpf_prog_info pi;
	struct stk_prog_stat *p;
	size_t i;

	(void)name;
	if (stk_prog_info_of_link(link_fd, &li, &pi))
		return 0; /* detached in between: it has nothing to count any more */
	for (i = 0; i < st->n; i++)
		if (st->v[i].id == pi.id)
			return 0;
	p = realloc(st->v, (st->n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	st->v = p;
	p = &st->v[st->n++];
	memset(p, 0, sizeof(*p));
	p->id = pi.id;
	memcpy(p->name, pi.name, sizeof(p->name) - 1);
	p->runs = pi.run_cnt;
	p->run_ns = pi.run_time_ns;
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
