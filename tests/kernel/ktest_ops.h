/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ktest_ops.h - helpers for the capabilities, kernel and sockets tests:
 * probes in child processes (the test runner itself stays out of the
 * policy's way) and audit records found by any string field.
 *
 * Header-only: each test binary is built from one .c file plus ktest.c.
 */
#ifndef STK_KTEST_OPS_H
#define STK_KTEST_OPS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktest.h"

/*
 * Runs @fn(@arg) in a child named @comm and returns what it returned: 0 for
 * success or the errno of the failed call (fn must return 0..254).
 */
static inline int kt_probe(const char *comm, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		_exit(fn(arg) & 0xff);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		fail_msg("probe %s died", comm);
	return WEXITSTATUS(st);
}

/* The first record whose string @key is @value, or NULL; @count gets how many. */
static inline struct json_object *kt_find_field(const char *log, const char *key,
						const char *value, int *count)
{
	struct json_object *found;
	bool bad;

	found = kt_find_record(log, key, value, count, &bad);
	if (bad)
		fail_msg("a line of %s is not JSON", log);
	return found;
}

/* Waits (up to 20 s) for a record whose @key is @value; fails the test if none comes. */
static inline struct json_object *kt_wait_field(const struct ktest_agent *a, const char *key,
						const char *value)
{
	struct json_object *o;
	int i, count;

	for (i = 0; i < 400; i++) {
		o = kt_find_field(a->log, key, value, &count);
		if (o)
			return o;
		usleep(50000);
	}
	fail_msg("no audit record with %s = '%s' in %s", key, value, a->log);
	return NULL;
}

/* How many records have @key = @value (after giving the agent a moment). */
static inline int kt_count_field(const struct ktest_agent *a, const char *key, const char *value)
{
	struct json_object *o;
	int count;

	usleep(500000);
	o = kt_find_field(a->log, key, value, &count);
	json_object_put(o);
	return count;
}

/* Asserts the fields every op event of @policy / @rule has. */
static inline void kt_assert_op_event(struct json_object *ev, const char *hook, const char *policy,
				      const char *rule, const char *action, bool enforced)
{
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "policy"), policy);
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "action"), action);
	assert_int_equal(kt_bool(ev, "enforced"), enforced);
}

/* Probe: mounts a tmpfs on the directory @arg (a path) and unmounts it again. */
static inline int kt_probe_mount_tmpfs(void *arg)
{
	const char *dir = arg;

	if (mount("none", dir, "tmpfs", 0, NULL))
		return errno;
	umount2(dir, MNT_DETACH);
	return 0;
}

/*
 * Complain mode end to end: writes @policy_text to @policy_path, starts the
 * agent, and checks that the probe @fn(@arg) run as @comm succeeds, that
 * its denial is logged at @hook as a would-deny (policy @policy, rule
 * @rule, "enforced": false), and that the agent stops cleanly.
 */
static inline void kt_complain_logs_and_allows(const char *policy_path, const char *policy_text,
					       const char *comm, int (*fn)(void *), void *arg,
					       const char *hook, const char *policy,
					       const char *rule)
{
	struct ktest_agent a;
	struct json_object *ev;

	kt_write(policy_path, policy_text);
	kt_agent_start(&a, policy_path, NULL);
	assert_int_equal(kt_probe(comm, fn, arg), 0);
	ev = kt_wait_field(&a, "comm", comm);
	kt_assert_op_event(ev, hook, policy, rule, "deny", false);
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

#endif /* STK_KTEST_OPS_H */
