/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * report.h - what the monitor tells the audit log about events it never
 * saw: suppressed by the rate limit, or lost (ring buffer full).
 *
 * The monitor reads the kernel's counters (it keeps bpf()); the reader,
 * which owns the audit log and the sequence numbers, receives one struct
 * stk_report per datagram (privsep.h) and writes it as an audit line.
 */
#ifndef STK_REPORT_H
#define STK_REPORT_H

#include <stdint.h>

#include "event_format.h"
#include "json_out.h"

enum stk_report_kind {
	STK_REPORT_SUPPRESSED = 1, /* N events of one (rule, cgroup, hook, action) */
	STK_REPORT_LOST = 2,       /* N events the ring buffer had no room for */
};

struct stk_report {
	int64_t time_real_ns; /* when the monitor counted */
	uint64_t count;
	uint64_t cgroup_id;   /* SUPPRESSED */
	uint32_t kind;        /* enum stk_report_kind */
	uint32_t rule;        /* rule table index (generation stripped) or STK_RULE_NONE */
	uint32_t hook;
	uint8_t action;       /* enum stk_action | STK_ACT_COMPLAIN */
	uint8_t pad[3];
};

/* Reports per datagram (a datagram socket queues only a few datagrams). */
#define STK_REPORTS_PER_DGRAM 64

/*
 * stk_report_format() - one report as an audit JSON object (docs/audit.md).
 * Return: 0, -EINVAL for an unknown kind, -ENOSPC when @j is too small.
 */
int stk_report_format(const struct stk_format_ctx *ctx, uint64_t seq, const struct stk_report *r,
		      struct json_out *j);

#endif /* STK_REPORT_H */
