/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * alert_threshold.h - "N denials in M seconds" per cgroup raises an alert.
 *
 * Pure code over event times. A window opens at a cgroup's first denial
 * and lasts M seconds; the denial that makes N within it is the alert, and
 * the next window opens with the next denial. Memory is fixed: at most
 * STK_ALERT_SCOPES cgroups are tracked, the stalest window gives way.
 */
#ifndef STK_ALERT_THRESHOLD_H
#define STK_ALERT_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>

#define STK_ALERT_SCOPES 512

struct stk_alert_window {
	uint64_t cgroup_id;
	int64_t start_ns; /* 0: slot unused */
	uint32_t n;
};

struct stk_alert_threshold {
	uint32_t count;	  /* N; 0: no threshold */
	uint32_t seconds; /* M */
	struct stk_alert_window w[STK_ALERT_SCOPES];
};

/*
 * stk_alert_threshold_parse() - "N/M" or "N/Ms" (N denials in M seconds),
 * both from 1 to 1000000. Return: 0 or -EINVAL.
 */
int stk_alert_threshold_parse(const char *s, uint32_t *ret_count, uint32_t *ret_seconds);

/*
 * stk_alert_threshold_hit() - counts one denial in @cgroup_id at @now_ns
 * (any clock that only moves forward); true when it is the N-th of its
 * window.
 */
bool stk_alert_threshold_hit(struct stk_alert_threshold *t, uint64_t cgroup_id, int64_t now_ns);

#endif /* STK_ALERT_THRESHOLD_H */
