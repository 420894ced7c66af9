/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * log_record.h - one audit-log line (docs/audit.md) read back for review.
 *
 * Pure code over json-c: "stockade log" parses each line once into a
 * stk_log_rec whose strings point into the parsed object, so filters,
 * tables, summaries and replays share one reading of the schema.
 */
#ifndef STK_LOG_RECORD_H
#define STK_LOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

struct stk_log_rec {
	struct json_object *obj; /* owns every string below */
	int64_t time_ns;	 /* since the epoch */
	uint64_t seq;
	const char *host;	/* "" when absent */
	const char *action;	/* "deny" or "audit" */
	bool enforced;
	const char *hook;
	const char *policy;
	const char *rule;
	int64_t pid, tid, ppid, uid, gid; /* -1 when absent */
	const char *comm;
	const char *exe;	/* NULL when absent (not written today) */
	const char *cgroup;	/* NULL when null or absent */
	const char *container;	/* the "container" field; NULL when absent */
	const char *path;	/* NULL for events without a path */
	bool path_truncated;
	uint32_t access;	/* STK_FACC_BIT mask of "access"; 0 if absent */
	char container_id[65];	/* the id the cgroup path shows, or "" */
	/*
	 * NULL for an event; "suppressed" or "lost" for a summary the agent
	 * wrote (docs/audit.md): @count events of this rule, cgroup and hook
	 * the rate limit kept back, or events lost (no action, hook, rule).
	 */
	const char *type;
	uint64_t count;
};

/* The record's container: its "container" field, else the id its cgroup shows, or NULL. */
static inline const char *stk_log_rec_container(const struct stk_log_rec *r)
{
	return r->container ? r->container : r->container_id[0] ? r->container_id : NULL;
}

/*
 * stk_log_rec_parse() - parse one line (without its '\n').
 * @err, @err_len: on failure, receives why, for "file:line: why".
 *
 * Return: 0 (release with stk_log_rec_clear), -EINVAL for a line that is
 * not JSON or misses or mistypes a required field (time, action, enforced,
 * hook), -ENOMEM.
 */
int stk_log_rec_parse(const char *line, size_t len, struct stk_log_rec *ret, char *err,
		      size_t err_len);
void stk_log_rec_clear(struct stk_log_rec *r);

/*
 * stk_log_container_of() - the container id a cgroup path shows: the
 * 64-hex-digit component of docker, containerd (cri-containerd-), CRI-O
 * (crio-) and podman (libpod-) scopes, or of "/docker/<id>". Writes it
 * into @buf and returns @buf, or NULL when the path shows none.
 */
const char *stk_log_container_of(const char *cgroup, char *buf, size_t len);

/*
 * stk_log_parse_time() - a time for --since/--until: RFC 3339
 * ("2026-11-25T15:40:01.5Z", "+02:00" offsets), "YYYY-MM-DD HH:MM:SS",
 * "YYYY-MM-DD HH:MM", "YYYY-MM-DD" (times without a zone are UTC, like the
 * log), "now", or a duration ago: "90s", "10m", "2h", "3d", "1w".
 * @now_ns: the time relative forms count back from.
 *
 * Return: 0, or -EINVAL.
 */
int stk_log_parse_time(const char *s, int64_t now_ns, int64_t *ret_ns);
/* The absolute forms only, as records hold them. */
int stk_log_parse_abs_time(const char *s, int64_t *ret_ns);

#endif /* STK_LOG_RECORD_H */
