/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ktest.h - helpers for end-to-end tests against the real kernel.
 *
 * These tests run as root inside the VM (tests/vm/run), where BPF LSM is
 * active: they start the real agent, make real syscalls and read the real
 * audit log. Nothing is mocked.
 */
#ifndef STK_KTEST_H
#define STK_KTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

struct ktest_agent {
	pid_t pid;
	char log[256];    /* the audit log it writes */
	char stderr_path[256];
};

/* Whether the file at @path (its first 64 KiB) holds @text; false if unreadable. */
bool kt_file_has(const char *path, const char *text);

/* Writes @text to @path (creating parents), mode 0644; fails the test on error. */
void kt_write(const char *path, const char *text);
/* mkdir -p; fails the test on error. */
void kt_mkdirs(const char *path);
/* rm -rf; ignores what does not exist. */
void kt_rm(const char *path);
/* Copies @src to @dst (created or truncated) with @mode; fails the test on error. */
void kt_copy(const char *src, const char *dst, mode_t mode);
/*
 * Makes sure file system or driver @name is in the kernel: built in (listed
 * in /proc/filesystems when @fs), or loaded from /lib/modules/@name.ko,
 * which tests/vm/run ships (tests/vm/extra-modules). Fails the test if not.
 */
void kt_load_module(const char *name, bool fs);
/* CLOCK_MONOTONIC in milliseconds, for deadlines and timings. */
long long kt_now_ms(void);
/*
 * How many rounds a repeated stress (reloads under probing) runs: @n, or
 * STK_TEST_REPEAT_PCT percent of it (the sanitized pass looks for memory
 * errors, not rare races, and runs ten times slower); at least 2, and even
 * when @n is, so a test that alternates ends where it began.
 */
int kt_repeats(int n);

/*
 * Starts "stockade run --policy @policy --audit-log <tmp>" plus @extra
 * arguments (NULL-terminated, may be NULL) and waits until it reports
 * READY=1 through NOTIFY_SOCKET. Fails the test if it exits first.
 */
void kt_agent_start(struct ktest_agent *a, const char *policy, const char *const *extra);
/* How long kt_agent_start() waits for READY=1 (120 s unless a test raises it). */
extern long long kt_agent_start_timeout_ms;
/*
 * Stops every agent a test started and did not stop, and kills the children
 * it tracks (for teardown): a failed assertion must not leave a prober
 * spinning through the tests after it.
 */
void kt_agent_reap_all(void);
void kt_track_child(pid_t pid);
void kt_untrack_child(pid_t pid);
/*
 * Cgroups, named by their path below the cgroup2 mount (/sys/fs/cgroup in
 * the VM), e.g. "/kt-scope/web-1". mkdir (existing is fine) and rmdir of a
 * whole (empty) tree fail the test on error; kt_cg_enter() moves process
 * @pid (0: the caller) there and returns 0 or an errno.
 */
#define KT_CGMOUNT "/sys/fs/cgroup"
/* Whether cgroup2 is mounted there; says so on stderr when not. */
bool kt_cg_present(void);
void kt_cg_mkdir(const char *cg);
void kt_cg_rmtree(const char *cg);
int kt_cg_enter(const char *cg, pid_t pid);
/* SIGTERM and wait; returns the exit status (or 128+signal). */
int kt_agent_stop(struct ktest_agent *a);
/* Runs stockade with @argv (NULL-terminated), returns its exit status and stderr. */
int kt_stockade(const char *const *argv, char *err_out, size_t err_len);
/*
 * Waits (up to 60 s) until the agent's status file @status_file counts @n
 * reloads, and fails the test unless the last one was "ok".
 */
void kt_wait_reloads(const char *status_file, long long n);
/* Runs stockade with @argv, returns its exit status and its stdout in @out. */
int kt_stockade_out(const char *const *argv, char *out, size_t len);

/*
 * Opens @path with @flags in a child process named @comm (optionally as
 * @uid, -1 for root) and returns 0 or the errno the open failed with.
 * @ret_pid receives the child's pid (may be NULL).
 */
int kt_open_as(const char *path, int flags, const char *comm, int uid, pid_t *ret_pid);

/* 0, or the errno of a call (in this process) that returned -1. */
static inline int kt_err_of(long r)
{
	return r < 0 ? errno : 0;
}

static inline int kt_open(const char *path, int flags)
{
	return kt_open_as(path, flags, "probe", -1, NULL);
}

/*
 * Runs @fn(@arg) in a child process (for chroot, unshare, ...) and returns
 * what it returned (0-255, e.g. an errno). Fails the test if the child dies.
 */
int kt_in_child(int (*fn)(void *), void *arg);

/*
 * execv(@path, @argv) in a child. Returns 0 when the exec succeeded (its
 * exit status in @ret_status, 128+signal if killed), else the errno execv
 * failed with. The environment holds only PATH.
 */
int kt_run(const char *path, char *const argv[], int *ret_status);

/*
 * Waits (up to 20 s) for an audit record whose "path" is @path and returns
 * it (caller puts it with json_object_put), or NULL.
 */
struct json_object *kt_wait_event(const struct ktest_agent *a, const char *path);
/*
 * The same for a record whose @key is @value; *@bad (if not NULL) tells
 * whether the log held a line that is not JSON at the last look.
 */
struct json_object *kt_wait_record(const struct ktest_agent *a, const char *key,
				   const char *value, bool *bad);
/*
 * The first record of the audit log @log whose string field @key is @value
 * (caller puts it), or NULL; @count gets how many there are, @bad whether
 * a line was not JSON.
 */
struct json_object *kt_find_record(const char *log, const char *key, const char *value,
				   int *count, bool *bad);
/* Counts the records in the audit log whose "path" is @path; -1 if a line is not JSON. */
int kt_count_events(const struct ktest_agent *a, const char *path);

/* Field accessors; fail the test when the field is missing or mistyped. */
const char *kt_str(struct json_object *o, const char *key);
long long kt_int(struct json_object *o, const char *key);
bool kt_bool(struct json_object *o, const char *key);

#endif /* STK_KTEST_H */
