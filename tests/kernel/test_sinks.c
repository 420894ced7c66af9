// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_sinks.c - the audit sinks end to end: alert rules and thresholds run
 * the alert command as the unprivileged user with the event on stdin; events
 * carry the executable, the cgroup and the container a docker-like cgroup
 * shows, and the parent pid even from the cgroup socket programs; the audit
 * log is created 0600; the file sink writes OCSF when asked.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup_path.h"
#include "ktest.h"

#define KT_DIR "/tmp/kt-sinks"
#define OUT KT_DIR "/out"
#define ID64 "5ac0ffee5ac0ffee5ac0ffee5ac0ffee5ac0ffee5ac0ffee5ac0ffee5ac0ffee"
#define CG_PARENT "kt-sinks.slice"
#define CG_LEAF CG_PARENT "/docker-" ID64 ".scope"
#define DENIED_PORT 7093
/* A file name with a quote, a backslash, a newline, an escape and a byte that is not UTF-8. */
#define HOSTILE "a\"b\\c\nd\x1b[2J\xff"
/* What a JSON reader decodes from the event: the raw byte comes back as U+00FF. */
#define HOSTILE_DECODED "a\"b\\c\nd\x1b[2J\xc3\xbf"

static const char *const policy_text =
	"{ \"stockade\": 1, \"name\": \"kt-sinks\",\n"
	"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"loud\", \"paths\": [\"" KT_DIR "/loud\"], \"access\": [\"read\"],\n"
	"      \"action\": \"deny\", \"alert\": true },\n"
	"    { \"id\": \"quiet\", \"paths\": [\"" KT_DIR "/quiet\"], \"access\": [\"read\"],\n"
	"      \"action\": \"deny\" },\n"
	"    { \"id\": \"hostile\", \"paths\": [\"" KT_DIR "/h/\"], \"access\": [\"read\"],\n"
	"      \"action\": \"deny\" } ] },\n"
	"  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"no-7093\", \"cidrs\": [\"127.0.0.1/32\"], \"ports\": [\"7093\"],\n"
	"      \"protocols\": [\"tcp\"], \"action\": \"deny\" } ] } } }\n";

static char cg_mount[1024];

static int setup(void **state)
{
	(void)state;
	kt_rm(KT_DIR);
	kt_mkdirs(OUT);
	/* The alert command runs as the unprivileged user: it must write here. */
	chmod(OUT, 01777);
	kt_write(KT_DIR "/loud", "x\n");
	kt_write(KT_DIR "/quiet", "x\n");
	kt_write(KT_DIR "/h/" HOSTILE, "x\n");
	kt_write(KT_DIR "/policy.json", policy_text);
	return 0;
}

static int teardown(void **state)
{
	char p[2048];

	(void)state;
	kt_agent_reap_all();
	if (cg_mount[0]) {
		snprintf(p, sizeof(p), "%s/" CG_LEAF, cg_mount);
		rmdir(p);
		snprintf(p, sizeof(p), "%s/" CG_PARENT, cg_mount);
		rmdir(p);
	}
	kt_rm(KT_DIR);
	return 0;
}

/* The helper the agent runs as alert command: beside this binary. */
static void helper_path(char *buf, size_t len)
{
	char self[1024];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_true(n > 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(buf, len, "%s/stk-helper-alert_record", self);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The alert files the command wrote so far; their names in @names. */
static int alert_files(char names[][64], int max)
{
	DIR *d = opendir(OUT);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "alert.", 6) && n < max)
			snprintf(names[n++], 64, "%.60s", de->d_name);
	closedir(d);
	return n;
}

/* Waits (up to 30 s) until there are @want alert files; returns how many there are. */
static int wait_alert_files(int want, char names[][64], int max)
{
	long long deadline = mono_ms() + 30000;
	int n;

	while ((n = alert_files(names, max)) < want && mono_ms() < deadline)
		usleep(50000);
	return n;
}

/* Reads an alert file: the uid and gid the command ran as, and the event. */
static struct json_object *read_alert(const char *name, unsigned *uid, unsigned *gid)
{
	char path[256], line[65536];
	struct json_object *o;
	FILE *f;

	snprintf(path, sizeof(path), OUT "/%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%u %u\n", uid, gid), 2);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strchr(line, '\n')); /* one whole line on stdin */
	o = json_tokener_parse(line);
	if (!o)
		fail_msg("alert command stdin is not JSON: %s", line);
	return o;
}

static bool has(struct json_object *o, const char *k)
{
	return json_object_object_get_ex(o, k, NULL);
}

static void alert_rule_and_threshold_run_the_command(void **state)
{
	const char *extra[] = { "--alert-command", NULL, "--alert-threshold", "3/600", NULL };
	struct ktest_agent a;
	struct json_object *ev, *al;
	struct passwd *pw = getpwnam("stockade");
	char cmd[2048], names[8][64];
	unsigned uid, gid;
	int i;

	(void)state;
	assert_non_null(pw);
	helper_path(cmd, sizeof(cmd));
	extra[1] = cmd;
	kt_agent_start(&a, KT_DIR "/policy.json", extra);

	/* A marked rule: one alert, run as the reader's user, the event on stdin. */
	assert_int_equal(kt_open(KT_DIR "/loud", O_RDONLY), EPERM);
	assert_int_equal(wait_alert_files(1, names, 8), 1);
	al = read_alert(names[0], &uid, &gid);
	assert_int_equal(uid, pw->pw_uid);
	assert_int_equal(gid, pw->pw_gid);
	assert_string_equal(kt_str(al, "path"), KT_DIR "/loud");
	assert_string_equal(kt_str(al, "rule"), "loud");
	assert_true(kt_bool(al, "alert"));
	assert_string_equal(kt_str(al, "alert_reason"), "rule");
	ev = kt_wait_event(&a, KT_DIR "/loud");
	assert_non_null(ev);
	assert_true(kt_bool(ev, "alert"));
	/* The command got the very line the log holds. */
	assert_string_equal(json_object_to_json_string(ev), json_object_to_json_string(al));
	json_object_put(ev);
	json_object_put(al);

	/* An unmarked rule: no alert until the third denial in the cgroup. */
	for (i = 0; i < 3; i++)
		assert_int_equal(kt_open(KT_DIR "/quiet", O_RDONLY), EPERM);
	assert_int_equal(wait_alert_files(2, names, 8), 2);
	for (i = 0; i < 2; i++) {
		al = read_alert(names[i], &uid, &gid);
		if (!strcmp(kt_str(al, "rule"), "quiet")) {
			assert_string_equal(kt_str(al, "alert_reason"), "threshold");
			assert_string_equal(kt_str(al, "path"), KT_DIR "/quiet");
		} else {
			assert_string_equal(kt_str(al, "rule"), "loud");
		}
		json_object_put(al);
	}
	/* In the log: two quiet denials without the mark, the third with it. */
	{
		FILE *f = fopen(a.log, "r");
		char line[16384];
		int plain = 0, marked = 0;

		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			struct json_object *o = json_tokener_parse(line);

			assert_non_null(o);
			if (!strcmp(kt_str(o, "rule"), "quiet")) {
				if (has(o, "alert"))
					marked++;
				else
					plain++;
			}
			json_object_put(o);
		}
		fclose(f);
		assert_int_equal(plain, 2);
		assert_int_equal(marked, 1);
	}
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_int_equal(alert_files(names, 8), 2);
}

struct cg_probe {
	const char *procs;
	const char *path;
};

/* In a child: join the docker-like cgroup, then try the denied open. */
static int open_in_cgroup(void *arg)
{
	const struct cg_probe *p = arg;
	int fd = open(p->procs, O_WRONLY);

	if (fd < 0 || write(fd, "0", 1) != 1)
		return 200;
	close(fd);
	fd = open(p->path, O_RDONLY);
	return fd < 0 ? errno : 0;
}

static pid_t connect_denied(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(DENIED_PORT) };
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		_exit(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EPERM);
	return pid;
}

/*
 * Waits (up to 20 s) for a log line that @match accepts and returns it
 * parsed; every line must be JSON.
 */
static struct json_object *wait_record(const struct ktest_agent *a,
				       bool (*match)(struct json_object *o, const void *arg),
				       const void *arg)
{
	long long deadline = mono_ms() + 20000;

	for (;;) {
		FILE *f = fopen(a->log, "r");
		char line[32768];

		while (f && fgets(line, sizeof(line), f)) {
			struct json_object *o = json_tokener_parse(line);

			if (!o)
				fail_msg("log line is not JSON: %s", line);
			if (match(o, arg)) {
				fclose(f);
				return o;
			}
			json_object_put(o);
		}
		if (f)
			fclose(f);
		if (mono_ms() > deadline)
			return NULL;
		usleep(50000);
	}
}

/* A connect to DENIED_PORT by the process *@arg. */
static bool is_connect_of(struct json_object *o, const void *arg)
{
	struct json_object *v;

	return json_object_object_get_ex(o, "port", &v) && json_object_get_int(v) == DENIED_PORT &&
	       json_object_object_get_ex(o, "pid", &v) &&
	       json_object_get_int(v) == *(const pid_t *)arg;
}

static void events_carry_exe_scope_and_parent(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	struct cg_probe probe = { .path = KT_DIR "/quiet" };
	char procs[2200], dir[2048], self_name[64];
	struct stat self, logst;
	pid_t pid;

	(void)state;
	assert_int_equal(stk_cgroup2_mount(cg_mount, sizeof(cg_mount)), 0);
	snprintf(dir, sizeof(dir), "%s/" CG_PARENT, cg_mount);
	assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	snprintf(dir, sizeof(dir), "%s/" CG_LEAF, cg_mount);
	assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	probe.procs = procs;
	assert_int_equal(stat("/proc/self/exe", &self), 0);
	{
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		assert_true(n > 0);
		exe[n] = '\0';
		snprintf(self_name, sizeof(self_name), "%s", strrchr(exe, '/') + 1);
	}

	kt_agent_start(&a, KT_DIR "/policy.json", NULL);
	/* The audit log is private: it names what every process touched. */
	assert_int_equal(stat(a.log, &logst), 0);
	assert_int_equal(logst.st_mode & 07777, 0600);

	assert_int_equal(kt_in_child(open_in_cgroup, &probe), EPERM);
	ev = kt_wait_event(&a, KT_DIR "/quiet");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "cgroup"), "/" CG_LEAF);
	assert_string_equal(kt_str(ev, "container"), ID64);
	assert_string_equal(kt_str(ev, "runtime"), "docker");
	assert_string_equal(kt_str(ev, "unit"), "docker-" ID64 ".scope");
	/* The probe is a fork of this test: the same executable. */
	assert_string_equal(kt_str(ev, "exe"), self_name);
	assert_int_equal(kt_int(ev, "exe_inode"), (long long)self.st_ino);
	assert_int_equal(kt_int(ev, "ppid"), getpid());
	json_object_put(ev);

	/* A hostile name stays one valid line, every byte accounted for. */
	assert_int_equal(kt_open(KT_DIR "/h/" HOSTILE, O_RDONLY), EPERM);
	ev = kt_wait_event(&a, KT_DIR "/h/" HOSTILE_DECODED);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "hostile");
	json_object_put(ev);
	assert_int_equal(kt_count_events(&a, KT_DIR "/h/" HOSTILE_DECODED), 1); /* every line parses */

	/* The cgroup socket programs know the parent and the executable too. */
	pid = connect_denied();
	ev = wait_record(&a, is_connect_of, &pid);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "hook"), "connect4");
	assert_int_equal(kt_int(ev, "ppid"), getpid());
	assert_string_equal(kt_str(ev, "exe"), self_name);
	assert_int_equal(kt_int(ev, "exe_inode"), (long long)self.st_ino);
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* An OCSF record whose file.path is @arg. */
static bool is_ocsf_file(struct json_object *o, const void *arg)
{
	struct json_object *file, *v;

	return json_object_object_get_ex(o, "file", &file) &&
	       json_object_object_get_ex(file, "path", &v) &&
	       !strcmp(json_object_get_string(v), arg);
}

static long long sub_int(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x, *y;

	assert_true(json_object_object_get_ex(o, a, &x));
	assert_true(json_object_object_get_ex(x, b, &y));
	return json_object_get_int64(y);
}

static void ocsf_file_output(void **state)
{
	const char *extra[] = { "--audit-format", "ocsf", NULL };
	struct ktest_agent a;
	struct json_object *ev, *actor;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, KT_DIR "/policy.json", extra);
	assert_int_equal(kt_open_as(KT_DIR "/quiet", O_RDONLY, "ocsfprobe", -1, &pid), EPERM);
	ev = wait_record(&a, is_ocsf_file, KT_DIR "/quiet");
	assert_non_null(ev);
	assert_int_equal(kt_int(ev, "class_uid"), 1001);
	assert_int_equal(kt_int(ev, "activity_id"), 14);
	assert_int_equal(kt_int(ev, "type_uid"), 100114);
	assert_int_equal(kt_int(ev, "action_id"), 2);
	assert_int_equal(kt_int(ev, "status_id"), 2);
	assert_true(kt_int(ev, "time") > 1700000000000LL);
	assert_true(sub_int(ev, "metadata", "sequence") > 0);
	assert_true(json_object_object_get_ex(ev, "actor", &actor));
	assert_int_equal(sub_int(actor, "process", "pid"), pid);
	assert_string_equal(kt_str(ev, "message"),
			    "denied file_open of " KT_DIR "/quiet by ocsfprobe (kt-sinks/quiet)");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);

	/* "stockade log" reads the OCSF log as a native one: filters match, no damaged line. */
	{
		const char *const review[] = { "stockade", "log", "--file", a.log, "--no-rotated",
					       "--rule", "kt-sinks/quiet", "--comm", "ocsfprobe",
					       "--hook", "file_open", "--json", NULL };
		static char out[1 << 16];

		assert_int_equal(kt_stockade_out(review, out, sizeof(out)), 0);
		assert_non_null(strstr(out, "\"class_uid\":1001"));
		assert_non_null(strstr(out, "ocsfprobe"));
	}
}

/*
 * Receives syslog datagrams on @fd (up to 20 s) until one holds @needle;
 * returns its priority value (the <PRI> number) and copies it to @msg.
 */
static int wait_syslog(int fd, const char *needle, char *msg, size_t len)
{
	long long deadline = mono_ms() + 20000;
	ssize_t n;
	int pri;

	while (mono_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, msg, len - 1, 0);
		if (n <= 0)
			continue;
		msg[n] = '\0';
		if (strstr(msg, needle) && sscanf(msg, "<%d>", &pri) == 1)
			return pri;
	}
	return -1;
}

static void syslog_facility_priority_and_kv(void **state)
{
	const char *extra[] = { "--syslog", "--syslog-facility", "local3", "--syslog-format", "kv",
				NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	struct ktest_agent a;
	char msg[16384];
	int fd;

	(void)state;
	/* The VM has no syslog daemon: this test is it. */
	unlink("/dev/log");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	chmod("/dev/log", 0666); /* the reader is unprivileged */
	kt_agent_start(&a, KT_DIR "/policy.json", extra);

	assert_int_equal(kt_open(KT_DIR "/quiet", O_RDONLY), EPERM);
	assert_int_equal(wait_syslog(fd, "rule=quiet", msg, sizeof(msg)), LOG_LOCAL3 | LOG_WARNING);
	assert_non_null(strstr(msg, "action=deny enforced=true hook=file_open policy=kt-sinks"));
	assert_non_null(strstr(msg, " path=" KT_DIR "/quiet "));
	assert_int_equal(kt_open(KT_DIR "/loud", O_RDONLY), EPERM);
	assert_int_equal(wait_syslog(fd, "rule=loud", msg, sizeof(msg)), LOG_LOCAL3 | LOG_ALERT);
	assert_non_null(strstr(msg, "alert=true alert_reason=rule"));
	assert_int_equal(kt_agent_stop(&a), 0);
	close(fd);
	unlink("/dev/log");
}

static void bad_alert_options_are_refused(void **state)
{
	static const char *const cases[][4] = {
		{ "--alert-command", "relative/cmd", NULL },
		{ "--alert-command", KT_DIR "/does-not-exist", NULL },
		{ "--alert-threshold", "3", NULL },
		{ "--alert-threshold", "0/10", NULL },
		{ "--syslog-facility", "kernel-ish", NULL },
		{ "--audit-format", "xml", NULL },
		{ "--syslog-format", "cef", NULL },
	};
	char err[4096];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "stockade", "run", "--policy", KT_DIR "/policy.json", "--audit-log", "none",
				       cases[i][0], cases[i][1], NULL };

		assert_int_equal(kt_stockade(argv, err, sizeof(err)), 2);
		if (!strstr(err, cases[i][0] + 2) && !strstr(err, cases[i][1]))
			fail_msg("no precise error for %s %s: %s", cases[i][0], cases[i][1], err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(alert_rule_and_threshold_run_the_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(events_carry_exe_scope_and_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(ocsf_file_output, setup, teardown),
		cmocka_unit_test_setup_teardown(syslog_facility_priority_and_kv, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_alert_options_are_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
