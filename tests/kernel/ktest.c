// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ktest.c - helpers for end-to-end kernel tests (see ktest.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

/* TCG is slow; verification takes a while. A test loading much more may raise it. */
long long kt_agent_start_timeout_ms = 120000;

/* Agents still running, so a failed test cannot leave one enforcing. */
static pid_t live_agents[16];

static void remember(pid_t pid, pid_t old)
{
	size_t i;

	for (i = 0; i < sizeof(live_agents) / sizeof(live_agents[0]); i++) {
		if (live_agents[i] == old) {
			live_agents[i] = pid;
			return;
		}
	}
}

/* Helper children (probers) a failed test would leave running. */
static pid_t live_children[16];

void kt_track_child(pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(live_children) / sizeof(live_children[0]); i++) {
		if (live_children[i] == 0) {
			live_children[i] = pid;
			return;
		}
	}
}

void kt_untrack_child(pid_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(live_children) / sizeof(live_children[0]); i++)
		if (live_children[i] == pid)
			live_children[i] = 0;
}

void kt_agent_reap_all(void)
{
	size_t i;
	int st;

	for (i = 0; i < sizeof(live_children) / sizeof(live_children[0]); i++) {
		if (live_children[i] > 0) {
			kill(live_children[i], SIGKILL);
			waitpid(live_children[i], &st, 0);
			live_children[i] = 0;
		}
	}

	for (i = 0; i < sizeof(live_agents) / sizeof(live_agents[0]); i++) {
		if (live_agents[i] > 0) {
			kill(live_agents[i], SIGTERM);
			waitpid(live_agents[i], &st, 0);
			live_agents[i] = 0;
		}
	}
}

void kt_mkdirs(const char *path)
{
	char buf[512], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", buf, strerror(errno));
}

bool kt_file_has(const char *path, const char *text)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

void kt_write(const char *path, const char *text)
{
	char dir[512], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		kt_mkdirs(dir);
	}
	f = fopen(path, "w");
	if (!f)
		fail_msg("open %s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f))
		fail_msg("write %s: %s", path, strerror(errno));
}

void kt_rm(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execlp("rm", "rm", "-rf", path, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
}

void kt_copy(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		fail_msg("open %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		fail_msg("create %s: %s", dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail_msg("write %s: %s", dst, strerror(errno));
	if (n < 0)
		fail_msg("read %s: %s", src, strerror(errno));
	close(in);
	if (fchmod(out, mode) || close(out))
		fail_msg("close %s: %s", dst, strerror(errno));
}

long long kt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int kt_repeats(int n)
{
	const char *pct = getenv("STK_TEST_REPEAT_PCT");
	int r = n;

	if (pct && atoi(pct) > 0 && atoi(pct) < 100)
		r = (int)((long)n * atoi(pct) / 100);
	if (n % 2 == 0 && r % 2)
		r++;
	return r < 2 ? 2 : r;
}

static void dump_file(const char *what, const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return;
	fprintf(stderr, "# --- %s (%s) ---\n", what, path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

void kt_agent_start(struct ktest_agent *a, const char *policy, const char *const *extra)
{
	static int counter;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *argv[32];
	char buf[256];
	int fd, n = 0, i, st;
	long long deadline;

	memset(a, 0, sizeof(*a));
	counter++;
	snprintf(a->log, sizeof(a->log), "/tmp/ktest-audit-%d-%d.log", getpid(), counter);
	snprintf(a->stderr_path, sizeof(a->stderr_path), "/tmp/ktest-agent-%d-%d.err", getpid(),
		 counter);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/ktest-notify-%d-%d", getpid(), counter);
	unlink(a->log);
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		fail_msg("notify socket: %s", strerror(errno));

	argv[n++] = "stockade";
	argv[n++] = "run";
	argv[n++] = "--policy";
	argv[n++] = policy;
	argv[n++] = "--audit-log";
	argv[n++] = a->log;
	argv[n++] = "--no-syslog";
	for (i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;

	a->pid = fork();
	if (a->pid == 0) {
		int errfd = open(a->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (errfd >= 0)
			dup2(errfd, 2);
		setenv("NOTIFY_SOCKET", sa.sun_path, 1);
		execvp("stockade", (char **)argv);
		_exit(127);
	}
	remember(a->pid, 0);
	deadline = kt_now_ms() + kt_agent_start_timeout_ms;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 200) > 0) {
			r = recv(fd, buf, sizeof(buf) - 1, 0);
			if (r > 0) {
				buf[r] = '\0';
				if (strstr(buf, "READY=1"))
					break;
			}
		}
		if (waitpid(a->pid, &st, WNOHANG) == a->pid) {
			dump_file("agent stderr", a->stderr_path);
			remember(0, a->pid);
			a->pid = 0;
			fail_msg("stockade run exited before it was ready (status %d)",
				 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
		if (kt_now_ms() > deadline) {
			kill(a->pid, SIGKILL);
			fail_msg("stockade run was not ready in time");
		}
	}
	close(fd);
	unlink(sa.sun_path);
}

int kt_agent_stop(struct ktest_agent *a)
{
	int st;

	if (a->pid <= 0)
		return -1;
	kill(a->pid, SIGTERM);
	if (waitpid(a->pid, &st, 0) != a->pid)
		return -1;
	remember(0, a->pid);
	a->pid = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		dump_file("agent stderr", a->stderr_path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int kt_stockade(const char *const *argv, char *err_out, size_t err_len)
{
	char path[] = "/tmp/ktest-stderr-XXXXXX";
	int fd = mkstemp(path), st;
	pid_t pid;
	ssize_t n;

	if (fd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(fd, 2);
		execvp("stockade", (char **)argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	n = pread(fd, err_out, err_len - 1, 0);
	err_out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void kt_wait_reloads(const char *status_file, long long n)
{
	struct json_object *o, *v;
	long long got = -1;

	for (int i = 0; i < 6000; i++) {
		o = json_object_from_file(status_file);
		if (o && json_object_object_get_ex(o, "reloads", &v))
			got = json_object_get_int64(v);
		if (got >= n) {
			assert_true(json_object_object_get_ex(o, "last_reload", &v));
			if (strcmp(json_object_get_string(v), "ok"))
				fail_msg("reload %lld failed: %s", n, json_object_get_string(v));
			json_object_put(o);
			return;
		}
		json_object_put(o);
		usleep(10000);
	}
	fail_msg("reload %lld did not happen (%lld so far)", n, got);
}

int kt_stockade_out(const char *const *argv, char *out, size_t len)
{
	int pipefd[2], st;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execvp("stockade", (char **)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (got < len - 1 && (n = read(pipefd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int kt_open_as(const char *path, int flags, const char *comm, int uid, pid_t *ret_pid)
{
	int pipefd[2], err = 0, st;
	pid_t pid;

	if (pipe(pipefd))
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int fd, e = 0;

		prctl(PR_SET_NAME, comm);
		if (uid >= 0 && (setgid(uid) || setuid(uid)))
			e = 1000 + errno;
		if (!e) {
			fd = open(path, flags, 0644);
			e = fd < 0 ? errno : 0;
		}
		if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		fail_msg("probe for %s died", path);
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	if (err >= 1000)
		fail_msg("probe could not switch to uid %d: %s", uid, strerror(err - 1000));
	if (ret_pid)
		*ret_pid = pid;
	return err;
}

struct json_object *kt_find_record(const char *log, const char *key, const char *value,
				   int *count, bool *bad)
{
	struct json_object *found = NULL, *o, *f;
	char *line = NULL;
	size_t cap = 0;
	FILE *fp = fopen(log, "r");

	*count = 0;
	*bad = false;
	if (!fp)
		return NULL;
	while (getline(&line, &cap, fp) > 0) {
		o = json_tokener_parse(line);
		if (!o) {
			*bad = true;
			continue;
		}
		if (json_object_object_get_ex(o, key, &f) &&
		    json_object_is_type(f, json_type_string) &&
		    !strcmp(json_object_get_string(f), value)) {
			(*count)++;
			if (!found) {
				found = o;
				continue;
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(fp);
	return found;
}

static struct json_object *find_event(const char *log, const char *path, int *count, bool *bad)
{
	return kt_find_record(log, "path", path, count, bad);
}

struct json_object *kt_wait_record(const struct ktest_agent *a, const char *key,
				   const char *value, bool *bad)
{
	long long deadline = kt_now_ms() + 20000;
	struct json_object *o;
	int count;
	bool corrupt;

	for (;;) {
		o = kt_find_record(a->log, key, value, &count, &corrupt);
		if (bad)
			*bad = corrupt;
		if (o || kt_now_ms() > deadline)
			return o;
		usleep(50000);
	}
}

struct json_object *kt_wait_event(const struct ktest_agent *a, const char *path)
{
	return kt_wait_record(a, "path", path, NULL);
}

int kt_count_events(const struct ktest_agent *a, const char *path)
{
	struct json_object *o;
	int count;
	bool bad;

	o = find_event(a->log, path, &count, &bad);
	json_object_put(o);
	return bad ? -1 : count;
}

static struct json_object *field(struct json_object *o, const char *key, json_type t)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		fail_msg("event field '%s' missing or of the wrong type in %s", key,
			 json_object_to_json_string(o));
	return v;
}

const char *kt_str(struct json_object *o, const char *key)
{
	return json_object_get_string(field(o, key, json_type_string));
}

long long kt_int(struct json_object *o, const char *key)
{
	return json_object_get_int64(field(o, key, json_type_int));
}

bool kt_bool(struct json_object *o, const char *key)
{
	return json_object_get_boolean(field(o, key, json_type_boolean));
}

void kt_load_module(const char *name, bool fs)
{
	char line[256], want[64], ko[128];
	bool have = false;
	FILE *f = fs ? fopen("/proc/filesystems", "re") : NULL;
	int fd;

	if (fs && !f)
		fail_msg("/proc/filesystems: %s", strerror(errno));
	snprintf(want, sizeof(want), "\t%s\n", name);
	while (f && fgets(line, sizeof(line), f))
		have |= strstr(line, want) != NULL;
	if (f)
		fclose(f);
	if (have)
		return;
	snprintf(ko, sizeof(ko), "/lib/modules/%s.ko", name);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("%s is not built in and %s is missing (tests/vm/extra-modules)", name, ko);
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		fail_msg("loading %s: %s", ko, strerror(errno));
	close(fd);
}

int kt_in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		fail_msg("child died");
	return WEXITSTATUS(st);
}

int kt_run(const char *path, char *const argv[], int *ret_status)
{
	int pipefd[2], err = 0, st;
	char *const envp[] = { "PATH=/usr/local/bin:/bin:/usr/bin", NULL };
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		fail_msg("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		int e;

		close(pipefd[0]);
		execve(path, argv, envp);
		e = errno;
		if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
			_exit(126);
		_exit(127);
	}
	close(pipefd[1]);
	/* The pipe closes on a successful exec: no bytes. */
	n = read(pipefd[0], &err, sizeof(err));
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	if (n == sizeof(err))
		return err;
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

bool kt_cg_present(void)
{
	struct statfs sf;

	if (statfs(KT_CGMOUNT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		return true;
	fprintf(stderr, "no cgroup2 at " KT_CGMOUNT "\n");
	return false;
}

void kt_cg_mkdir(const char *cg)
{
	char path[512];

	snprintf(path, sizeof(path), KT_CGMOUNT "%s", cg);
	if (mkdir(path, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

void kt_cg_rmtree(const char *cg)
{
	char cmd[600];

	/* Deepest first: -depth lists children before their parents. */
	snprintf(cmd, sizeof(cmd),
		 "find " KT_CGMOUNT "%s -depth -type d -exec rmdir {} + 2>/dev/null", cg);
	if (system(cmd) < 0)
		fail_msg("find: %s", strerror(errno));
}

int kt_cg_enter(const char *cg, pid_t pid)
{
	char path[512], num[32];
	int fd, n, err = 0;

	snprintf(path, sizeof(path), KT_CGMOUNT "%s/cgroup.procs", cg);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = snprintf(num, sizeof(num), "%d", (int)pid);
	if (write(fd, num, (size_t)n) != n)
		err = errno;
	close(fd);
	return err;
}
