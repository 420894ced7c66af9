// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_container_root.c - a scoped policy's paths mean the container's
 * files. The "container" is what a runtime makes: a cgroup matching the
 * scope's glob and a root file system of its own (a tmpfs mounted for the
 * test, holding a static busybox), entered by chroot before its first exec.
 * Checked on the real kernel: the container's /etc/secret is denied while
 * the host has no such file; its exec allow-list allows its own /bin only,
 * also after a chroot inside it; the same inode reached from the host is
 * denied in the scope and allowed outside it; two containers of one scope
 * each get their own root's files; a container running before
 * the agent started is covered; a reload gives known roots the new rules
 * without any exec.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <poll.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-croot"
#define ROOT DIR "/root" /* the container's root: a tmpfs of its own */
#define ROOT2 DIR "/root2" /* another container's */
#define BUSYBOX "/bin/busybox"
#define UNIT "/src/packaging/systemd/stockade.service"
#define CG "/kt-croot"
#define EXEC_FAILED "stk-test: exec failed: "

static void put_policy(const char *denied)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"ctr\",\n"
		 "  \"scope\": { \"cgroups\": [\"" CG "/ctr-*\"] },\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"ctr-secret\", \"paths\": [\"%s\"], "
		 "\"access\": [\"read\"], \"action\": \"deny\" } ] },\n"
		 "  \"exec\": { \"default\": \"deny\", \"rules\": [ { \"id\": \"ctr-bins\", "
		 "\"paths\": [\"/bin/\"], \"action\": \"allow\" } ] } }\n",
		 denied);
	kt_write(DIR "/policies/10-ctr.json.tmp", text);
	assert_int_equal(rename(DIR "/policies/10-ctr.json.tmp", DIR "/policies/10-ctr.json"), 0);
}

/* The running agent's stderr file, for failure messages. */
static const char *current_agent_err;

static const char *agent_stderr(void)
{
	static char buf[65536];
	FILE *f = current_agent_err ? fopen(current_agent_err, "re") : NULL;
	size_t n = 0;

	if (f) {
		n = fread(buf + 1, 1, sizeof(buf) - 2, f);
		fclose(f);
	}
	buf[0] = '\n';
	buf[n + 1] = '\0';
	return buf;
}

/*
 * What a child does: enter @cg, chroot into each of @roots in turn, become
 * @uid (0: stay root), exec @argv.
 */
struct ctr_run {
	const char *cg;
	const char *roots[2]; /* NULL-terminated when shorter */
	char *const *argv;
	uid_t uid;
};

/* In the child: 100 + errno when setting up failed, else the exec's errno. */
static int ctr_child(const struct ctr_run *c)
{
	int err = kt_cg_enter(c->cg, 0), i;

	if (err)
		return 100 + err;
	for (i = 0; i < 2 && c->roots[i]; i++)
		if (chroot(c->roots[i]) || chdir("/"))
			return 100 + errno;
	if (c->uid && (setgroups(0, NULL) || setgid(c->uid) || setuid(c->uid)))
		return 100 + errno;
	execv(c->argv[0], c->argv);
	err = errno;
	dprintf(2, EXEC_FAILED "%d\n", err);
	return err;
}

/*
 * Runs @c in a child with its stdout and stderr in @out. Returns the wait
 * status; *@exec_err: the errno its exec failed with, or 0.
 */
static int ctr_run(const struct ctr_run *c, char *out, size_t len, int *exec_err)
{
	int pipefd[2], status = 0, r;
	long long deadline;
	size_t n = 0;
	ssize_t got = 0;
	pid_t pid;

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		_exit(ctr_child(c));
	}
	kt_track_child(pid);
	close(pipefd[1]);
	deadline = kt_now_ms() + 60000;
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		int left = (int)(deadline - kt_now_ms());

		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			kill(pid, SIGKILL);
			fail_msg("the container process %d did not finish within 60 s (left stopped?): "
				 "\"%.*s\"%s", (int)pid, (int)n, out, agent_stderr());
		}
		got = read(pipefd[0], out + n, len - 1 - n);
		if (got <= 0 || n + (size_t)got + 1 >= len)
			break;
		n += (size_t)got;
	}
	if (got > 0)
		n += (size_t)got;
	out[n] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kt_untrack_child(pid);
	r = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (r >= 100)
		fail_msg("setting up the container process failed: %s", strerror(r - 100));
	*exec_err = strstr(out, EXEC_FAILED) ? r : 0;
	return status;
}

/* `cat FILE` in the container: 0 when it read it, else the stderr text. */
static int ctr_cat_as(const char *cg, const char *root, uid_t uid, const char *file, char *out,
		      size_t len)
{
	char *argv[] = { BUSYBOX, "cat", (char *)file, NULL };
	struct ctr_run c = { cg, { root, NULL }, argv, uid };
	int exec_err, status = ctr_run(&c, out, len, &exec_err);

	if (exec_err)
		fail_msg("exec of busybox in the container failed: %s", strerror(exec_err));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A host process (the agent's root) in @cg opening @path: 0 or the errno. */
struct host_open {
	const char *cg;
	const char *path;
};

static int host_open_child(void *arg)
{
	const struct host_open *h = arg;
	int fd, err = kt_cg_enter(h->cg, 0);

	if (err)
		return 100 + err;
	fd = open(h->path, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int host_open(const char *cg, const char *path)
{
	struct host_open h = { cg, path };
	int r = kt_in_child(host_open_child, &h);

	if (r >= 100)
		fail_msg("entering cgroup %s failed: %s", cg, strerror(r - 100));
	return r;
}

/* A long-lived container process: busybox sleep, in @cg under ROOT. */
static pid_t ctr_sleeper(const char *cg)
{
	static char *argv[] = { BUSYBOX, "sleep", "600", NULL };
	struct ctr_run c = { cg, { ROOT, NULL }, argv, 0 };
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(ctr_child(&c));
	kt_track_child(pid);
	return pid;
}

/* Waits until @pid runs busybox: its exec is through. */
static void wait_exec(pid_t pid)
{
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 3000; i++) {
		f = fopen(path, "re");
		if (f && fgets(comm, sizeof(comm), f) && !strcmp(comm, "busybox\n")) {
			fclose(f);
			return;
		}
		if (f)
			fclose(f);
		usleep(10000);
	}
	fail_msg("the container process %d did not exec busybox (comm %s)", (int)pid, comm);
}

static void stop_sleeper(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	kt_untrack_child(pid);
}

static int setup(void **state)
{
	(void)state;
	if (!kt_cg_present())
		return -1;
	umount2(ROOT, MNT_DETACH);
	umount2(ROOT2, MNT_DETACH);
	kt_rm(DIR);
	kt_mkdirs(ROOT);
	kt_mkdirs(ROOT2);
	if (mount("tmpfs", ROOT, "tmpfs", 0, "mode=0755") ||
	    mount("tmpfs", ROOT2, "tmpfs", 0, "mode=0755")) {
		fprintf(stderr, "mounting the containers' roots: %s\n", strerror(errno));
		return -1;
	}
	kt_mkdirs(ROOT2 "/bin");
	kt_copy(BUSYBOX, ROOT2 "/bin/busybox", 0755);
	kt_write(ROOT2 "/etc/secret", "second secret\n");
	kt_write(ROOT2 "/etc/open", "second open\n");
	kt_mkdirs(ROOT "/bin");
	kt_mkdirs(ROOT "/tmp");
	kt_mkdirs(ROOT "/fake/bin");
	kt_copy(BUSYBOX, ROOT "/bin/busybox", 0755);
	kt_copy(BUSYBOX, ROOT "/tmp/evil", 0755);
	kt_copy(BUSYBOX, ROOT "/fake/bin/busybox", 0755);
	kt_write(ROOT "/etc/secret", "container secret\n");
	kt_write(ROOT "/etc/other", "container other\n");
	kt_write(ROOT "/etc/open", "container open\n");
	kt_cg_rmtree(CG);
	kt_cg_mkdir(CG);
	kt_mkdirs(DIR "/policies");
	put_policy("/etc/secret");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	kt_cg_rmtree(CG);
	umount2(ROOT, MNT_DETACH);
	umount2(ROOT2, MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

static int ctr_cat(const char *cg, const char *root, const char *file, char *out, size_t len)
{
	return ctr_cat_as(cg, root, 0, file, out, len);
}

static void expect_denied_in(const char *cg, const char *root, const char *file)
{
	char out[4096];

	if (ctr_cat(cg, root, file, out, sizeof(out)) == 0)
		fail_msg("the container read %s: \"%s\"", file, out);
	if (!strstr(out, "Operation not permitted"))
		fail_msg("reading %s in the container failed otherwise: \"%s\"", file, out);
}

static void expect_denied(const char *cg, const char *file)
{
	expect_denied_in(cg, ROOT, file);
}

static void expect_read_in(const char *cg, const char *root, const char *file, const char *want)
{
	char out[4096];

	if (ctr_cat(cg, root, file, out, sizeof(out)))
		fail_msg("the container could not read %s: \"%s\"", file, out);
	assert_string_equal(out, want);
}

static void expect_read(const char *cg, const char *file, const char *want)
{
	expect_read_in(cg, ROOT, file, want);
}

/* `stockade status --json` lists cgroup @cg's recorded root in @state. */
static void expect_status(const char *cg, const char *state)
{
	static const char *const argv[] = { "stockade", "status", "--json", NULL };
	static char out[1 << 20];
	struct json_object *o, *arr, *v;
	bool found = false;

	assert_int_equal(kt_stockade_out(argv, out, sizeof(out)), 0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "container_roots", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		v = json_object_array_get_idx(arr, i);
		if (strcmp(kt_str(v, "cgroup"), cg))
			continue;
		assert_string_equal(kt_str(v, "state"), state);
		found = true;
	}
	json_object_put(o);
	if (!found)
		fail_msg("stockade status lists no root for %s: %s", cg, out);
}

static void container_paths_are_its_own(void **state)
{
	char *evil[] = { "/tmp/evil", "true", NULL };
	char *fake[] = { BUSYBOX, "true", NULL };
	struct ctr_run c = { CG "/ctr-1", { ROOT, NULL }, evil, 0 };
	struct ktest_agent a;
	struct json_object *ev;
	char out[4096];
	int exec_err;

	(void)state;
	kt_agent_start(&a, DIR "/policies", NULL);
	current_agent_err = a.stderr_path;
	/* Made after the agent started, like a container starting. */
	kt_cg_mkdir(CG "/ctr-1");
	/* Its very first exec already runs under the container's keys. */
	expect_denied(CG "/ctr-1", "/etc/secret");
	expect_read(CG "/ctr-1", "/etc/open", "container open\n");
	ev = kt_wait_event(&a, "/etc/secret");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "policy"), "ctr");
	assert_string_equal(kt_str(ev, "rule"), "ctr-secret");
	assert_string_equal(kt_str(ev, "cgroup"), CG "/ctr-1");
	json_object_put(ev);

	/* The allow-list names the container's /bin, not a copy elsewhere in it. */
	ctr_run(&c, out, sizeof(out), &exec_err);
	assert_int_equal(exec_err, EPERM);
	/* A chroot inside the container does not make another tree its /bin. */
	c.roots[1] = "/fake";
	c.argv = fake;
	ctr_run(&c, out, sizeof(out), &exec_err);
	assert_int_equal(exec_err, EPERM);

	/* The same inode from the host: denied in the scope, not outside it. */
	assert_int_equal(host_open(CG "/ctr-1", ROOT "/etc/secret"), EPERM);
	assert_int_equal(host_open(CG "/ctr-1", ROOT "/etc/open"), 0);
	assert_int_equal(host_open(CG, ROOT "/etc/secret"), 0);
	expect_status(CG "/ctr-1", "ready");
	/* A container the scope does not match reads its files. */
	kt_cg_mkdir(CG "/unscoped");
	expect_read(CG "/unscoped", "/etc/secret", "container secret\n");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void two_containers_of_one_scope(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_agent_start(&a, DIR "/policies", NULL);
	current_agent_err = a.stderr_path;
	kt_cg_mkdir(CG "/ctr-a");
	kt_cg_mkdir(CG "/ctr-b");
	/* Each container's own /etc/secret, each resolved in its own root. */
	expect_denied_in(CG "/ctr-b", ROOT2, "/etc/secret");
	expect_denied_in(CG "/ctr-a", ROOT, "/etc/secret");
	expect_read_in(CG "/ctr-b", ROOT2, "/etc/open", "second open\n");
	expect_read_in(CG "/ctr-a", ROOT, "/etc/open", "container open\n");
	/* Again, now that both are known: no waiting, the same verdicts. */
	expect_denied_in(CG "/ctr-b", ROOT2, "/etc/secret");
	expect_denied_in(CG "/ctr-a", ROOT, "/etc/secret");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void running_container_is_covered_at_start(void **state)
{
	struct ktest_agent a;
	pid_t sleeper;

	(void)state;
	kt_cg_mkdir(CG "/ctr-early");
	sleeper = ctr_sleeper(CG "/ctr-early");
	wait_exec(sleeper);
	kt_agent_start(&a, DIR "/policies", NULL);
	current_agent_err = a.stderr_path;
	/* No exec since: the agent found the container's root by itself. */
	assert_int_equal(host_open(CG "/ctr-early", ROOT "/etc/secret"), EPERM);
	assert_int_equal(host_open(CG "/ctr-early", ROOT "/etc/open"), 0);
	expect_denied(CG "/ctr-early", "/etc/secret");
	stop_sleeper(sleeper);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void reload_resolves_known_roots_again(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct ktest_agent a;
	char err[4096];
	pid_t sleeper;

	(void)state;
	put_policy("/etc/secret");
	kt_agent_start(&a, DIR "/policies", NULL);
	current_agent_err = a.stderr_path;
	kt_cg_mkdir(CG "/ctr-3");
	sleeper = ctr_sleeper(CG "/ctr-3");
	/* Its first exec waited for the container's keys. */
	wait_exec(sleeper);
	assert_int_equal(host_open(CG "/ctr-3", ROOT "/etc/secret"), EPERM);

	put_policy("/etc/other");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload failed: %s", err);
	/* No exec since the reload: the agent resolved the known root for it. */
	assert_int_equal(host_open(CG "/ctr-3", ROOT "/etc/other"), EPERM);
	assert_int_equal(host_open(CG "/ctr-3", ROOT "/etc/secret"), 0);
	/* Twice, so the first generation's slot is filled afresh. */
	put_policy("/etc/secret");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("second reload failed: %s", err);
	assert_int_equal(host_open(CG "/ctr-3", ROOT "/etc/secret"), EPERM);
	assert_int_equal(host_open(CG "/ctr-3", ROOT "/etc/other"), 0);
	expect_denied(CG "/ctr-3", "/etc/secret");
	expect_read(CG "/ctr-3", "/etc/other", "container other\n");
	stop_sleeper(sleeper);
	assert_int_equal(kt_agent_stop(&a), 0);
	put_policy("/etc/secret");
}

/* Whether the running agent's stderr says @text. */
static bool agent_said(const char *text)
{
	return strstr(agent_stderr(), text) != NULL;
}

static void a_root_nobody_has_refuses_execs(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	char *argv[] = { BUSYBOX, "true", NULL };
	struct ctr_run c = { CG "/ctr-4", { ROOT2, NULL }, argv, 0 };
	struct ktest_agent a;
	char err[4096], out[4096];
	int exec_err;
	pid_t sleeper;

	(void)state;
	kt_agent_start(&a, DIR "/policies", NULL);
	current_agent_err = a.stderr_path;
	kt_cg_mkdir(CG "/ctr-4");
	sleeper = ctr_sleeper(CG "/ctr-4");
	wait_exec(sleeper);
	stop_sleeper(sleeper);
	/* The new generation finds no process with the recorded root. */
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload failed: %s", err);
	/* Another root in that cgroup: refused, not left waiting, not run unjudged. */
	ctr_run(&c, out, sizeof(out), &exec_err);
	assert_int_equal(exec_err, EPERM);
	assert_true(agent_said("no process has its recorded root"));
	expect_status(CG "/ctr-4", "failed");
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * Keeps in this process's bounding set only the capabilities the systemd
 * unit's CapabilityBoundingSet= names, so the agent it starts has exactly
 * those, as under systemd. For good: the test that does it runs last.
 */
static void bound_as_the_unit(void)
{
	char line[1024], *name, *save = NULL;
	bool keep[CAP_LAST_CAP + 1] = { false };
	FILE *f = fopen(UNIT, "re");
	cap_value_t v;
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapabilityBoundingSet=", 22))
			continue;
		for (name = strtok_r(line + 22, " \n", &save); name;
		     name = strtok_r(NULL, " \n", &save)) {
			assert_int_equal(cap_from_name(name, &v), 0);
			if (v <= CAP_LAST_CAP)
				keep[v] = true;
			n++;
		}
	}
	fclose(f);
	assert_true(n > 0);
	for (v = 0; v <= CAP_LAST_CAP; v++)
		if (!keep[v])
			assert_int_equal(prctl(PR_CAPBSET_DROP, v, 0, 0, 0), 0);
}

/*
 * Under the unit's capabilities, a container running as another user is
 * covered: its first exec (after setuid, so not dumpable until the exec is
 * through) is stopped, and the agent must still open its /proc/PID/root
 * and continue it; and the agent, without CAP_KILL, still stops its event
 * reader (another user) when it is told to stop.
 */
static void container_of_another_user(void **state)
{
	struct ktest_agent a;
	char out[4096];

	(void)state;
	bound_as_the_unit();
	kt_agent_start(&a, DIR "/policies", NULL);
	current_agent_err = a.stderr_path;
	kt_cg_mkdir(CG "/ctr-5");
	if (ctr_cat_as(CG "/ctr-5", ROOT, 65534, "/etc/secret", out, sizeof(out)) == 0 ||
	    !strstr(out, "Operation not permitted"))
		fail_msg("a container running as nobody read /etc/secret or failed otherwise: "
			 "\"%s\"", out);
	assert_int_equal(ctr_cat_as(CG "/ctr-5", ROOT, 65534, "/etc/open", out, sizeof(out)), 0);
	assert_string_equal(out, "container open\n");
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(container_paths_are_its_own),
		cmocka_unit_test(two_containers_of_one_scope),
		cmocka_unit_test(running_container_is_covered_at_start),
		cmocka_unit_test(reload_resolves_known_roots_again),
		cmocka_unit_test(a_root_nobody_has_refuses_execs),
		cmocka_unit_test(container_of_another_user),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
