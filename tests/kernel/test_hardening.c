// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_hardening.c - the hardened agent on the real kernel: the event
 * reader really runs without privilege under seccomp, enforcement survives
 * SIGKILL of the agent and is adopted (not re-attached) by the next one,
 * "stockade status" tells the truth and "stockade unload" removes it all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "ktest.h"

#define TDIR "/tmp/kt-hard"
#define PIN_DIR "/sys/fs/bpf/stockade"
#define STATUS_FILE "/run/stockade/status.json"

static void write_policy(const char *path, const char *denied)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"hard\", \"mode\": \"enforce\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		 "{ \"id\": \"no-secret\", \"paths\": [\"%s\"], \"access\": [\"read\"], "
		 "\"action\": \"deny\" },\n"
		 "{ \"id\": \"ro-etc\", \"paths\": [\"" TDIR "/etc/\"], \"access\": [\"write\"], "
		 "\"action\": \"deny\" } ] } }\n",
		 denied);
	kt_write(path, text);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(TDIR);
	kt_write(TDIR "/secret", "s\n");
	kt_write(TDIR "/other", "o\n");
	kt_write(TDIR "/etc/conf", "c\n");
	write_policy(TDIR "/policy.json", TDIR "/secret");
	write_policy(TDIR "/policy-other.json", TDIR "/other");
	return 0;
}

static int run_quiet(const char *const *argv)
{
	char err[4096];

	return kt_stockade(argv, err, sizeof(err));
}

/* Loopers still running, so a failed test cannot leave one flooding the next. */
static pid_t loopers[4];

static int teardown(void **state)
{
	static const char *const unload[] = { "stockade", "unload", NULL };
	int st;

	(void)state;
	for (size_t i = 0; i < sizeof(loopers) / sizeof(loopers[0]); i++) {
		if (loopers[i] > 0) {
			kill(loopers[i], SIGKILL);
			waitpid(loopers[i], &st, 0);
			loopers[i] = 0;
		}
	}
	kt_agent_reap_all();
	run_quiet(unload);
	kt_rm(TDIR);
	return 0;
}

static void proc_status(pid_t pid, const char *key, char *val, size_t len);

static bool status_bool(const char *key)
{
	struct json_object *o = json_object_from_file(STATUS_FILE);
	bool v;

	if (!o)
		fail_msg("no status file " STATUS_FILE);
	v = kt_bool(o, key);
	json_object_put(o);
	return v;
}

/* Not running: gone, or a zombie nobody reaped yet. */
static bool gone(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

static long long status_int(const char *key)
{
	struct json_object *o = json_object_from_file(STATUS_FILE);
	long long v;

	if (!o)
		fail_msg("no status file " STATUS_FILE);
	v = kt_int(o, key);
	json_object_put(o);
	return v;
}

/* The value of line @key in /proc/@pid/status, or "" */
static void proc_status(pid_t pid, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	val[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			snprintf(val, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
			val[strcspn(val, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

/* Counts the BPF objects of kind @kind ("bpf-map", "bpf-prog", "bpf-link") @pid holds. */
static int bpf_fds(pid_t pid, const char *kind)
{
	char path[64], link[400], target[64];
	struct dirent *de;
	int n = 0;
	ssize_t r;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		fail_msg("%s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
		r = readlink(link, target, sizeof(target) - 1);
		if (r <= 0)
			continue;
		target[r] = '\0';
		n += !strncmp(target, "anon_inode:", 11) && !strcmp(target + 11, kind);
	}
	closedir(d);
	return n;
}

static __u32 pinned_link_id(void)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(PIN_DIR "/links/stk_file_open");

	if (fd < 0)
		fail_msg("no pinned link: %s", strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		fail_msg("link info: %s", strerror(errno));
	close(fd);
	return info.id;
}

static int count_pinned_links(void)
{
	DIR *d = opendir(PIN_DIR "/links");
	struct dirent *de;
	int n = 0;

	if (!d)
		fail_msg("no pinned links: %s", strerror(errno));
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void reader_runs_unprivileged_under_seccomp(void **state)
{
	struct ktest_agent a;
	struct passwd *pw = getpwnam("stockade");
	char val[128], want[128];
	pid_t reader;

	(void)state;
	assert_non_null(pw);
	kt_agent_start(&a, TDIR "/policy.json", NULL);
	reader = status_int("reader_pid");
	assert_int_equal(status_int("agent_pid"), a.pid);
	assert_int_not_equal(reader, a.pid);

	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", pw->pw_uid, pw->pw_uid, pw->pw_uid,
		 pw->pw_uid);
	proc_status(reader, "Uid", val, sizeof(val));
	assert_string_equal(val, want);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", pw->pw_gid, pw->pw_gid, pw->pw_gid,
		 pw->pw_gid);
	proc_status(reader, "Gid", val, sizeof(val));
	assert_string_equal(val, want);
	proc_status(reader, "Groups", val, sizeof(val));
	assert_null(strstr(val, "0 ")); /* no root group among the supplementary ones */
	for (const char *const *k = (const char *const[]){ "CapInh", "CapPrm", "CapEff", "CapBnd",
							    "CapAmb", NULL };
	     *k; k++) {
		proc_status(reader, *k, val, sizeof(val));
		if (strcmp(val, "0000000000000000"))
			fail_msg("%s of the reader is %s", *k, val);
	}
	proc_status(reader, "NoNewPrivs", val, sizeof(val));
	assert_string_equal(val, "1");
	proc_status(reader, "Seccomp", val, sizeof(val));
	assert_string_equal(val, "2");
	/* It keeps the ring buffer and nothing that could change enforcement. */
	assert_int_equal(bpf_fds(reader, "bpf-map"), 1);
	assert_int_equal(bpf_fds(reader, "bpf-prog"), 0);
	assert_int_equal(bpf_fds(reader, "bpf-link"), 0);

	/* And it still does its job. */
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	json_object_put(kt_wait_event(&a, TDIR "/secret"));
	assert_int_equal(kt_count_events(&a, TDIR "/secret"), 1);

	/* SIGTERM ends enforcement and removes every pin (the default). */
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_false(exists(PIN_DIR));
	assert_false(exists(STATUS_FILE));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
}

static void forbidden_syscall_kills_the_reader(void **state)
{
	struct ktest_agent a;
	char err[8192];
	FILE *f;
	size_t n;
	pid_t reader;
	int st;

	(void)state;
	setenv("STK_DEBUG_FORBIDDEN_SYSCALL", "1", 1);
	kt_agent_start(&a, TDIR "/policy.json", NULL);
	unsetenv("STK_DEBUG_FORBIDDEN_SYSCALL");
	reader = status_int("reader_pid");
	assert_int_equal(kill(reader, SIGUSR2), 0);

	assert_int_equal(waitpid(a.pid, &st, 0), a.pid);
	a.pid = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	f = fopen(a.stderr_path, "r");
	assert_non_null(f);
	n = fread(err, 1, sizeof(err) - 1, f);
	err[n] = '\0';
	fclose(f);
	if (!strstr(err, "killed by signal 31"))
		fail_msg("the reader did not die of SIGSYS; agent stderr:\n%s", err);
	/* A dead agent is a crash: enforcement stays. */
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
}

static void forget_looper(pid_t pid)
{
	for (size_t i = 0; i < sizeof(loopers) / sizeof(loopers[0]); i++)
		if (loopers[i] == pid)
			loopers[i] = 0;
}

/*
 * Opens @path in a tight loop until @stop_file exists, then reports
 * through @fd how many opens ran and how many succeeded.
 */
static pid_t start_looper(const char *path, const char *stop_file, int fd)
{
	pid_t pid = fork();
	long counts[2] = { 0, 0 };
	int ofd;

	if (pid) {
		for (size_t i = 0; i < sizeof(loopers) / sizeof(loopers[0]); i++) {
			if (!loopers[i]) {
				loopers[i] = pid;
				break;
			}
		}
		return pid;
	}
	prctl(PR_SET_NAME, "looper");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Tight, but behind the agent: TCG has two slow CPUs to share. */
	if (nice(19) < 0)
		_exit(1);
	while (access(stop_file, F_OK)) {
		for (int i = 0; i < 100; i++) {
			ofd = open(path, O_RDONLY);
			counts[0]++;
			if (ofd >= 0) {
				counts[1]++;
				close(ofd);
			}
		}
	}
	if (write(fd, counts, sizeof(counts)) != sizeof(counts))
		_exit(1);
	_exit(0);
}

static void enforcement_survives_sigkill_and_is_adopted(void **state)
{
	struct ktest_agent a, b;
	int pipefd[2], st;
	long counts[2];
	__u32 link_before;
	pid_t looper, reader;

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", NULL);
	link_before = pinned_link_id();
	reader = status_int("reader_pid");
	assert_int_equal(pipe(pipefd), 0);
	looper = start_looper(TDIR "/secret", TDIR "/stop", pipefd[1]);
	usleep(300000);

	assert_int_equal(kill(a.pid, SIGKILL), 0);
	assert_int_equal(waitpid(a.pid, &st, 0), a.pid);
	a.pid = 0;
	/* The reader follows its monitor. */
	for (int i = 0; i < 100 && !gone(reader); i++)
		usleep(50000);
	assert_true(gone(reader));
	usleep(500000); /* the looper keeps trying while no agent runs */

	kt_agent_start(&b, TDIR "/policy.json", NULL);
	usleep(300000);
	kt_write(TDIR "/stop", "");
	assert_int_equal(read(pipefd[0], counts, sizeof(counts)), sizeof(counts));
	waitpid(looper, &st, 0);
	forget_looper(looper);
	print_message("# looper: %ld opens, %ld succeeded\n", counts[0], counts[1]);
	assert_true(counts[0] >= 1000);
	assert_int_equal(counts[1], 0);

	/* Adopted: the very same link, not a new attachment. */
	assert_int_equal(pinned_link_id(), link_before);
	assert_true(status_bool("adopted"));
	/* The new agent reads events, including the looper's from while none ran. */
	assert_int_equal(kt_open_as(TDIR "/secret", O_RDONLY, "after", -1, NULL), EPERM);
	json_object_put(kt_wait_event(&b, TDIR "/secret"));
	assert_true(kt_count_events(&b, TDIR "/secret") >= 2);
	assert_int_equal(kt_agent_stop(&b), 0);
	assert_false(exists(PIN_DIR));
	/* The looper's denials filled them: free the VM's /tmp. */
	unlink(a.log);
	unlink(b.log);
}

static void other_policy_is_switched_in_on_adoption(void **state)
{
	struct ktest_agent a, b;
	__u32 link_before;
	int st;

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", NULL);
	link_before = pinned_link_id();
	kill(a.pid, SIGKILL);
	waitpid(a.pid, &st, 0);
	a.pid = 0;
	kt_agent_start(&b, TDIR "/policy-other.json", NULL);
	/* Switched in place, as a reload does: the same link, no re-attach. */
	assert_int_equal(pinned_link_id(), link_before);
	assert_true(status_bool("adopted"));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
	assert_int_equal(kt_open(TDIR "/other", O_RDONLY), EPERM);
	assert_int_equal(kt_agent_stop(&b), 0);
}

static void status_reports_and_unload_removes_everything(void **state)
{
	static const char *const status[] = { "stockade", "status", NULL };
	static const char *const status_json[] = { "stockade", "status", "--json", NULL };
	static const char *const unload[] = { "stockade", "unload", NULL };
	struct json_object *o, *agent, *links, *link, *counters, *pols;
	static char out[65536];
	struct ktest_agent a;
	int st;

	(void)state;
	assert_int_equal(kt_stockade_out(status, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "nothing is loaded"));

	kt_agent_start(&a, TDIR "/policy.json", (const char *const[]){ "--persist", NULL });
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	assert_int_equal(kt_open(TDIR "/etc/conf", O_WRONLY), EPERM);

	assert_int_equal(kt_stockade_out(status, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "hook file_open"));
	assert_non_null(strstr(out, "hard (" TDIR "/policy.json): 2 rules"));

	assert_int_equal(kt_stockade_out(status_json, out, sizeof(out)), 0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_true(kt_bool(o, "loaded"));
	assert_true(json_object_object_get_ex(o, "links", &links));
	/* Every set's links: files, exec, capabilities, kernel, sockets. */
	assert_int_equal(json_object_array_length(links), count_pinned_links());
	assert_true(json_object_array_length(links) >= 20);
	link = NULL;
	for (size_t i = 0; i < json_object_array_length(links); i++)
		if (!strcmp(kt_str(json_object_array_get_idx(links, i), "hook"), "file_open"))
			link = json_object_array_get_idx(links, i);
	assert_non_null(link);
	assert_int_equal(kt_int(link, "link_id"), pinned_link_id());
	assert_true(json_object_object_get_ex(o, "counters", &counters));
	assert_true(kt_int(counters, "denied") >= 2);
	assert_int_equal(kt_int(counters, "lost"), 0);
	assert_true(json_object_object_get_ex(o, "agent", &agent));
	assert_int_equal(kt_int(agent, "agent_pid"), a.pid);
	assert_true(kt_bool(agent, "running"));
	assert_string_equal(kt_str(agent, "reader_user"), "stockade");
	assert_int_equal(kt_int(agent, "rules"), 2);
	assert_true(json_object_object_get_ex(agent, "policies", &pols));
	assert_string_equal(kt_str(json_object_array_get_idx(pols, 0), "name"), "hard");
	json_object_put(o);

	/* unload stops the agent (which, with --persist, leaves the pins) and removes them. */
	assert_int_equal(kt_stockade_out(unload, out, sizeof(out)), 0);
	assert_int_equal(waitpid(a.pid, &st, 0), a.pid);
	a.pid = 0;
	assert_false(exists(PIN_DIR));
	assert_false(exists(STATUS_FILE));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
	assert_int_equal(kt_open(TDIR "/etc/conf", O_WRONLY), 0);
	assert_int_equal(kt_stockade_out(status, out, sizeof(out)), 1);
	/* Idempotent: nothing left is not an error. */
	assert_int_equal(kt_stockade_out(unload, out, sizeof(out)), 0);
}

static void unload_without_agent_removes_pins(void **state)
{
	static const char *const unload[] = { "stockade", "unload", NULL };
	struct ktest_agent a;
	int st;

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", NULL);
	kill(a.pid, SIGKILL);
	waitpid(a.pid, &st, 0);
	a.pid = 0;
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	assert_int_equal(run_quiet(unload), 0);
	assert_false(exists(PIN_DIR));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
}

static void sigusr1_reopens_the_log_after_the_drop(void **state)
{
	struct ktest_agent a;
	char rotated[300];

	(void)state;
	kt_agent_start(&a, TDIR "/policy.json", NULL);
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	json_object_put(kt_wait_event(&a, TDIR "/secret"));
	snprintf(rotated, sizeof(rotated), "%s.1", a.log);
	assert_int_equal(rename(a.log, rotated), 0);
	assert_int_equal(kill(a.pid, SIGUSR1), 0);
	usleep(500000);
	assert_int_equal(kt_open(TDIR "/etc/conf", O_WRONLY), EPERM);
	json_object_put(kt_wait_event(&a, TDIR "/etc/conf"));
	/* The new file holds the new event only, and is still private. */
	assert_int_equal(kt_count_events(&a, TDIR "/secret"), 0);
	assert_int_equal(kt_count_events(&a, TDIR "/etc/conf"), 1);
	struct stat st;
	assert_int_equal(stat(a.log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_uid, 0);
	unlink(rotated);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void policy_others_could_write_is_refused(void **state)
{
	static const char *const run[] = { "stockade", "run", "--policy", TDIR "/policy.json",
					   "--audit-log", "none", "--no-syslog", NULL };
	char err[4096];

	(void)state;
	assert_int_equal(chmod(TDIR, 0777), 0);
	assert_int_equal(kt_stockade(run, err, sizeof(err)), 2);
	if (!strstr(err, "refusing the policy: " TDIR " is writable by others"))
		fail_msg("unexpected message: %s", err);
	assert_int_equal(chmod(TDIR, 0755), 0);

	assert_int_equal(chown(TDIR "/policy.json", 65534, 65534), 0);
	assert_int_equal(kt_stockade(run, err, sizeof(err)), 2);
	if (!strstr(err, TDIR "/policy.json is owned by uid 65534, not root"))
		fail_msg("unexpected message: %s", err);
	assert_int_equal(chown(TDIR "/policy.json", 0, 0), 0);
	assert_int_equal(chmod(TDIR "/policy.json", 0664), 0);
	assert_int_equal(kt_stockade(run, err, sizeof(err)), 2);
	if (!strstr(err, "is writable by its group"))
		fail_msg("unexpected message: %s", err);
	/* Nothing was attached or pinned. */
	assert_false(exists(PIN_DIR));
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
}

#define RDIR TDIR "/r"
#define RPOLICY TDIR "/reload.json"

/* A: the tree denied but X; B: only Z denied. Both: X allowed, Z denied; W differs. */
static const char *const policy_a =
	"{ \"stockade\": 1, \"name\": \"gen\", \"mode\": \"enforce\", \"files\": {\n"
	"  \"default\": \"allow\", \"rules\": [\n"
	"  { \"id\": \"a-tree\", \"paths\": [\"" RDIR "/\"], \"access\": [\"read\"], "
	"\"action\": \"deny\" },\n"
	"  { \"id\": \"a-x\", \"paths\": [\"" RDIR "/x\"], \"access\": [\"read\"], "
	"\"action\": \"allow\" } ] } }\n";
static const char *const policy_b =
	"{ \"stockade\": 1, \"name\": \"gen\", \"mode\": \"enforce\", \"files\": {\n"
	"  \"default\": \"allow\", \"rules\": [\n"
	"  { \"id\": \"b-z\", \"paths\": [\"" RDIR "/z\"], \"access\": [\"read\"], "
	"\"action\": \"deny\" } ] } }\n";

static void put_policy(const char *text)
{
	kt_write(RPOLICY ".tmp", text);
	assert_int_equal(rename(RPOLICY ".tmp", RPOLICY), 0);
}

static void reload_setup_files(void)
{
	kt_write(RDIR "/x", "x\n");
	kt_write(RDIR "/z", "z\n");
	kt_write(RDIR "/w", "w\n");
	put_policy(policy_a);
}

static void two_hundred_reloads_never_mix_policies(void **state)
{
	struct ktest_agent a;
	long cx[2], cz[2];
	int px[2], pz[2], st;
	pid_t lx, lz;
	__u32 link;

	(void)state;
	reload_setup_files();
	/* The z looper's denials would fill the VM's /tmp: read them, keep none. */
	kt_agent_start(&a, RPOLICY, (const char *const[]){ "--audit-log", "none", NULL });
	link = pinned_link_id();
	assert_int_equal(kt_open(RDIR "/w", O_RDONLY), EPERM);
	assert_int_equal(pipe(px), 0);
	assert_int_equal(pipe(pz), 0);
	lx = start_looper(RDIR "/x", TDIR "/stop", px[1]);
	lz = start_looper(RDIR "/z", TDIR "/stop", pz[1]);

	for (int i = 1; i <= 200; i++) {
		put_policy(i % 2 ? policy_b : policy_a);
		assert_int_equal(kill(a.pid, SIGHUP), 0);
		kt_wait_reloads(STATUS_FILE, i);
		if (i == 1)
			assert_int_equal(kt_open(RDIR "/w", O_RDONLY), 0);
	}
	kt_write(TDIR "/stop", "");
	assert_int_equal(read(px[0], cx, sizeof(cx)), sizeof(cx));
	assert_int_equal(read(pz[0], cz, sizeof(cz)), sizeof(cz));
	waitpid(lx, &st, 0);
	waitpid(lz, &st, 0);
	forget_looper(lx);
	forget_looper(lz);
	print_message("# x: %ld opens, %ld succeeded; z: %ld opens, %ld succeeded\n", cx[0], cx[1],
		      cz[0], cz[1]);
	assert_true(cx[0] >= 1000 && cz[0] >= 1000);
	assert_int_equal(cx[1], cx[0]); /* allowed by both: never a moment without A or B */
	assert_int_equal(cz[1], 0);     /* denied by both */
	/* 200 reloads: A again, by the same link. */
	assert_int_equal(kt_open(RDIR "/w", O_RDONLY), EPERM);
	assert_int_equal(pinned_link_id(), link);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void invalid_reload_keeps_the_old_policy(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct ktest_agent a;
	char err[4096];
	struct json_object *o, *v;

	(void)state;
	reload_setup_files();
	kt_agent_start(&a, RPOLICY, NULL);
	put_policy("{ \"stockade\": 1, \"name\": \"gen\",\n  \"mode\": \"enforce\",, }\n");
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 2);
	if (!strstr(err, RPOLICY ":2:"))
		fail_msg("no file:line:column in: %s", err);
	/* Straight to the agent: it refuses too and says so. */
	assert_int_equal(kill(a.pid, SIGHUP), 0);
	for (int i = 0; i < 2000; i++) {
		o = json_object_from_file(STATUS_FILE);
		if (o && json_object_object_get_ex(o, "reloads", &v) && json_object_get_int(v) == 1)
			break;
		json_object_put(o);
		o = NULL;
		usleep(10000);
	}
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "last_reload", &v));
	assert_string_not_equal(json_object_get_string(v), "ok");
	json_object_put(o);
	assert_int_equal(kt_open(RDIR "/w", O_RDONLY), EPERM);
	assert_int_equal(kt_open(RDIR "/x", O_RDONLY), 0);

	put_policy(policy_b);
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 0);
	assert_int_equal(kt_open(RDIR "/w", O_RDONLY), 0);
	assert_int_equal(kt_open_as(RDIR "/z", O_RDONLY, "after-reload", -1, NULL), EPERM);
	/* The restarted reader names the new policy's rules. */
	o = kt_wait_event(&a, RDIR "/z");
	assert_non_null(o);
	assert_string_equal(kt_str(o, "rule"), "b-z");
	json_object_put(o);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reader_runs_unprivileged_under_seccomp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(forbidden_syscall_kills_the_reader, setup,
						teardown),
		cmocka_unit_test_setup_teardown(enforcement_survives_sigkill_and_is_adopted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(other_policy_is_switched_in_on_adoption, setup,
						teardown),
		cmocka_unit_test_setup_teardown(status_reports_and_unload_removes_everything,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unload_without_agent_removes_pins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(sigusr1_reopens_the_log_after_the_drop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(policy_others_could_write_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(invalid_reload_keeps_the_old_policy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(two_hundred_reloads_never_mix_policies, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("hardening", tests, NULL, NULL);
}
