/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rate_opts.h - the --rate-limit option: events per (rule, cgroup) as the
 * spacing the kernel's token bucket works with (stk_rate_config).
 */
#ifndef STK_RATE_OPTS_H
#define STK_RATE_OPTS_H

#include <stdint.h>

/*
 * stk_parse_rate() - "N", "N/s" or "N/m" (events per second or minute;
 * 0: no limit) to the interval between events in ns (0: no limit).
 * Return: 0 or -EINVAL.
 */
int stk_parse_rate(const char *s, uint64_t *interval_ns);
/* The burst when --rate-burst is not given: one second's worth, at least 1. */
uint64_t stk_rate_default_burst(uint64_t interval_ns);

#endif /* STK_RATE_OPTS_H */
