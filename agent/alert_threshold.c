// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * alert_threshold.c - per-cgroup denial thresholds (see alert_threshold.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "alert_threshold.h"

#define MAX_N 1000000UL

int stk_alert_threshold_parse(const char *s, uint32_t *ret_count, uint32_t *ret_seconds)
{
	unsigned long n, m;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	n = strtoul(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	m = strtoul(end + 1, &end, 10);
	if (*end == 's')
		end++;
	if (*end || n < 1 || n > MAX_N || m < 1 || m > MAX_N)
		return -EINVAL;
	*ret_count = (uint32_t)n;
	*ret_seconds = (uint32_t)m;
	return 0;
}

/* The slot of @id, else a free one, else the one whose window opened first. */
static struct stk_alert_window *slot_of(struct stk_alert_threshold *t, uint64_t id)
{
	struct stk_alert_window *free_w = NULL, *oldest = &t->w[0];
	size_t i, h = (size_t)(id * 0x9e3779b97f4a7c15ULL >> 40) % STK_ALERT_SCOPES;

	/* Linear probing over the whole table: 512 slots, and only on denials. */
	for (i = 0; i < STK_ALERT_SCOPES; i++) {
		struct stk_alert_window *w = &t->w[(h + i) % STK_ALERT_SCOPES];

		if (w->start_ns && w->cgroup_id == id)
			return w;
		if (!w->start_ns && !free_w)
			free_w = w;
		if (w->start_ns < oldest->start_ns)
			oldest = w;
	}
	return free_w ? free_w : oldest;
}

bool stk_alert_threshold_hit(struct stk_alert_threshold *t, uint64_t cgroup_id, int64_t now_ns)
{
	struct stk_alert_window *w;
	int64_t len = (int64_t)t->seconds * 1000000000LL;

	if (!t->count)
		return false;
	if (now_ns <= 0)
		now_ns = 1; /* 0 marks a free slot */
	w = slot_of(t, cgroup_id);
	if (!w->start_ns || w->cgroup_id != cgroup_id || now_ns - w->start_ns >= len) {
		w->cgroup_id = cgroup_id;
		w->start_ns = now_ns;
		w->n = 0;
	}
	if (++w->n < t->count)
		return false;
	/* The N-th: alert, and let the next denial open a new window. */
	w->start_ns = 0;
	return true;
}
