/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_filter.h - which audit records "stockade log" shows. Every filter
 * that is set must match (they AND together); unset ones match anything.
 */
#ifndef STK_LOG_FILTER_H
#define STK_LOG_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "log_record.h"

struct stk_log_filter {
	bool has_since, has_until;
	int64_t since_ns; /* records at or after */
	int64_t until_ns; /* records at or before */
	const char *policy;
	const char *rule;      /* "id" or "policy/id" */
	const char *hook;
	const char *action;    /* "deny" or "audit" */
	const char *cgroup;    /* the cgroup or one of its ancestors */
	const char *container; /* the container id (or a prefix of it) or name */
	const char *exe;       /* the full path, or its last component */
	const char *comm;
	const char *path_prefix; /* the path or a directory above it */
	int64_t pid, uid;	 /* -1: any */
};

/* An empty filter: matches every record. */
void stk_log_filter_init(struct stk_log_filter *f);
bool stk_log_filter_match(const struct stk_log_filter *f, const struct stk_log_rec *r);
/*
 * Is @path @prefix itself or below it, component-wise ("/etc" covers
 * "/etc/passwd", not "/etcx")? A @prefix ending in '/' covers what is
 * below it only.
 */
bool stk_log_path_under(const char *path, const char *prefix);

#endif /* STK_LOG_FILTER_H */
