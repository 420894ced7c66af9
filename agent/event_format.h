/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * event_format.h - ring-buffer records to audit JSON.
 *
 * Pure code: the kernel's record plus what the agent knows (rule names,
 * clock offset, cgroup paths, host name) become one JSON object. The
 * schema is documented in docs/audit.md.
 */
#ifndef STK_EVENT_FORMAT_H
#define STK_EVENT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_out.h"
#include "policy.h"

struct stk_format_ctx {
	const struct stk_rule_ref *rules;
	size_t n_rules;
	int64_t boot_to_real_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
	const char *host;
	/* Path of a cgroup id relative to the cgroup2 mount, or NULL. */
	const char *(*cgroup_path)(uint64_t id, void *arg);
	void *cgroup_arg;
	/* Set by the caller for the next event: it crossed an alert threshold. */
	bool threshold_alert;
};

/*
 * stk_event_format() - format one record as a JSON object into @j.
 * @seq: the event's sequence number.
 *
 * Return: 0, -EINVAL for a malformed or unknown record, -ENOSPC when @j is
 * too small.
 */
int stk_event_format(const struct stk_format_ctx *ctx, uint64_t seq, const void *data,
		     size_t size, struct json_out *j);

/* Writes @ns since the epoch as RFC 3339 UTC with nanoseconds. */
size_t stk_format_time(int64_t ns, char *buf, size_t len);

const char *stk_hook_name(uint32_t hook);

/* Network events (event_format_net.c): the hook's name or NULL; the fields. */
const char *stk_net_hook_name(uint32_t hook);
int stk_format_net(const struct stk_event_net *ev, size_t size, struct json_out *j);

#endif /* STK_EVENT_FORMAT_H */
