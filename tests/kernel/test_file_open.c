// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_file_open.c - file rules end to end on the real kernel: the agent
 * runs, opens fail with EPERM or succeed as the policy says, and the audit
 * log records each denial with the right fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-file"

static char policy_path[256];

static void write_policy(const char *mode, const char *rules)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"kt\", \"mode\": \"%s\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n%s ] } }\n",
		 mode, rules);
	snprintf(policy_path, sizeof(policy_path), DIR "/policy.json");
	kt_write(policy_path, text);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/etc");
	kt_write(DIR "/etc/shadow", "root:secret\n");
	kt_write(DIR "/etc/passwd", "root:x:0:0\n");
	kt_write(DIR "/srv/secrets/a/key", "k\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/bind", MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

static const char *const base_rules =
	"{ \"id\": \"no-shadow\", \"paths\": [\"" DIR "/etc/shadow\"], "
	"\"access\": [\"read\", \"write\"], \"action\": \"deny\" },\n"
	"{ \"id\": \"ro-secrets\", \"paths\": [\"" DIR "/srv/secrets/\"], "
	"\"access\": [\"write\"], \"action\": \"deny\" }\n";

static void assert_rfc3339_ns(const char *t)
{
	regex_t re;

	assert_int_equal(regcomp(&re,
				 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	if (regexec(&re, t, 0, NULL, 0))
		fail_msg("time '%s' is not RFC 3339 UTC with nanoseconds", t);
	regfree(&re);
}

static void denied_read_fails_allowed_read_succeeds(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	pid_t pid;

	(void)state;
	write_policy("enforce", base_rules);
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(kt_open_as(DIR "/etc/shadow", O_RDONLY, "probe-read", -1, &pid), EPERM);
	assert_int_equal(kt_open(DIR "/etc/passwd", O_RDONLY), 0);

	ev = kt_wait_event(&a, DIR "/etc/shadow");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), "file_open");
	assert_string_equal(kt_str(ev, "policy"), "kt");
	assert_string_equal(kt_str(ev, "rule"), "no-shadow");
	assert_int_equal(kt_int(ev, "pid"), pid);
	assert_int_equal(kt_int(ev, "uid"), 0);
	assert_string_equal(kt_str(ev, "comm"), "probe-read");
	assert_string_equal(kt_str(ev, "path"), DIR "/etc/shadow");
	assert_string_equal(kt_str(ev, "cgroup"), "/");
	assert_rfc3339_ns(kt_str(ev, "time"));
	json_object_put(ev);

	/* The allowed open left no record. */
	assert_int_equal(kt_count_events(&a, DIR "/etc/passwd"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* The count `stockade run -v` gives for program @prog, or -1 if it names none. */
static long long verified_insns(const char *stderr_path, const char *prog)
{
	char line[1024], want[128];
	long long n = -1;
	FILE *f = fopen(stderr_path, "re");
	const char *at;

	snprintf(want, sizeof(want), "verifier: %s: ", prog);
	while (f && fgets(line, sizeof(line), f))
		if ((at = strstr(line, want)) &&
		    sscanf(at + strlen(want), "%lld instructions verified", &n) != 1)
			n = -1;
	if (f)
		fclose(f);
	return n;
}

/* -v tells how much the verifier checked in each program (most of the start's time). */
static void verbose_start_reports_the_verifiers_work(void **state)
{
	static const char *const verbose[] = { "-v", NULL };
	struct ktest_agent a;

	(void)state;
	write_policy("enforce", base_rules);
	kt_agent_start(&a, policy_path, verbose);
	assert_true(verified_insns(a.stderr_path, "stk_file_open") > 0);
	assert_true(verified_insns(a.stderr_path, "stk_path_mknod") > 0);
	assert_true(verified_insns(a.stderr_path, "stk_bprm_check") > 0);
	assert_true(verified_insns(a.stderr_path, "stk_guard_bpf") > 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void unprivileged_user_is_denied_and_named(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	write_policy("enforce", base_rules);
	chmod(DIR "/etc/shadow", 0644);
	kt_agent_start(&a, policy_path, NULL);
	assert_int_equal(kt_open_as(DIR "/etc/shadow", O_RDONLY, "nobody-probe", 65534, NULL),
			 EPERM);
	ev = kt_wait_event(&a, DIR "/etc/shadow");
	assert_non_null(ev);
	assert_int_equal(kt_int(ev, "uid"), 65534);
	assert_string_equal(kt_str(ev, "comm"), "nobody-probe");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void subtree_denies_writes_allows_reads(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	write_policy("enforce", base_rules);
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(kt_open(DIR "/srv/secrets/a/key", O_RDONLY), 0);
	assert_int_equal(kt_open(DIR "/srv/secrets/a/key", O_WRONLY), EPERM);
	assert_int_equal(kt_open(DIR "/srv/secrets/a/key", O_RDWR), EPERM);
	assert_int_equal(kt_open(DIR "/srv/secrets/a/key", O_RDONLY | O_TRUNC), EPERM);
	assert_int_equal(kt_open(DIR "/srv/secrets/a/key", O_WRONLY | O_APPEND), EPERM);
	/* The directory itself is part of its subtree; reading it is fine. */
	assert_int_equal(kt_open(DIR "/srv/secrets", O_RDONLY | O_DIRECTORY), 0);
	/* Beside the subtree nothing changes. */
	assert_int_equal(kt_open(DIR "/etc/passwd", O_WRONLY), 0);

	ev = kt_wait_event(&a, DIR "/srv/secrets/a/key");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "rule"), "ro-secrets");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void complain_mode_allows_and_logs(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	write_policy("complain", base_rules);
	kt_agent_start(&a, policy_path, NULL);
	assert_int_equal(kt_open(DIR "/etc/shadow", O_RDONLY), 0);
	ev = kt_wait_event(&a, DIR "/etc/shadow");
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_false(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "rule"), "no-shadow");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void stopping_the_agent_ends_enforcement(void **state)
{
	struct ktest_agent a;

	(void)state;
	write_policy("enforce", base_rules);
	kt_agent_start(&a, policy_path, NULL);
	assert_int_equal(kt_open(DIR "/etc/shadow", O_RDONLY), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
	assert_int_equal(kt_open(DIR "/etc/shadow", O_RDONLY), 0);
}

static void malformed_policy_is_refused(void **state)
{
	char err[4096];
	const char *argv[] = { "stockade", "run", "--policy", DIR "/bad.json", "--audit-log",
			       DIR "/bad-audit.log", NULL };

	(void)state;
	kt_write(DIR "/bad.json", "{ \"stockade\": 1, \"name\": \"bad\",\n  \"files\": [ }\n");
	assert_int_not_equal(kt_stockade(argv, err, sizeof(err)), 0);
	if (!strstr(err, DIR "/bad.json:2:"))
		fail_msg("no file:line:column in: %s", err);
	/* Nothing was attached: the file it would have protected is open. */
	assert_int_equal(kt_open(DIR "/etc/shadow", O_RDONLY), 0);
}

/* Each denial is also one syslog message (LOG_AUTHPRIV), the same JSON text. */
static void denial_goes_to_syslog(void **state)
{
	static const char *const with_syslog[] = { "--syslog", NULL };
	struct ktest_agent a;
	char line[8192];
	int found = 0;
	pid_t syslogd;
	FILE *f;

	(void)state;
	unlink("/tmp/kt-syslog.log");
	syslogd = fork();
	if (syslogd == 0) {
		execlp("syslogd", "syslogd", "-n", "-O", "/tmp/kt-syslog.log", (char *)NULL);
		_exit(127);
	}
	/* syslogd creates /dev/log when it is ready. */
	for (int i = 0; i < 100 && access("/dev/log", F_OK); i++)
		usleep(50000);
	write_policy("enforce", base_rules);
	kt_agent_start(&a, policy_path, with_syslog);
	assert_int_equal(kt_open(DIR "/etc/shadow", O_RDONLY), EPERM);
	json_object_put(kt_wait_event(&a, DIR "/etc/shadow"));
	assert_int_equal(kt_agent_stop(&a), 0);
	for (int i = 0; i < 100 && !found; i++) {
		f = fopen("/tmp/kt-syslog.log", "r");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "authpriv.warn") && strstr(line, "\"rule\":\"no-shadow\"") &&
			    strstr(line, "\"path\":\"" DIR "/etc/shadow\""))
				found = 1;
		if (f)
			fclose(f);
		if (!found)
			usleep(50000);
	}
	kill(syslogd, SIGTERM);
	waitpid(syslogd, NULL, 0);
	assert_true(found);
}

/* The same inode under other names is the same file (no bypass by alias). */
static void aliases_of_a_denied_file_are_denied(void **state)
{
	struct ktest_agent a;
	char fdpath[64];
	int fd;

	(void)state;
	write_policy("enforce", base_rules);
	assert_int_equal(symlink(DIR "/etc/shadow", DIR "/shadow-symlink"), 0);
	assert_int_equal(link(DIR "/etc/shadow", DIR "/shadow-old-hardlink"), 0);
	kt_mkdirs(DIR "/bind");
	assert_int_equal(mount(DIR "/etc", DIR "/bind", NULL, MS_BIND, NULL), 0);
	kt_agent_start(&a, policy_path, NULL);

	assert_int_equal(kt_open(DIR "/shadow-symlink", O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/shadow-old-hardlink", O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/bind/shadow", O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/etc/../etc/./shadow", O_RDONLY), EPERM);
	/* A new hard link made while enforcing. */
	assert_int_equal(link(DIR "/etc/shadow", DIR "/shadow-new-hardlink"), 0);
	assert_int_equal(kt_open(DIR "/shadow-new-hardlink", O_RDONLY), EPERM);
	/* O_PATH gives no contents; reopening it through /proc is an open. */
	fd = open(DIR "/etc/shadow", O_PATH);
	assert_true(fd >= 0);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	assert_int_equal(kt_open(fdpath, O_RDONLY), EPERM);
	close(fd);
	/* Renamed away, it is still the same file. */
	assert_int_equal(rename(DIR "/etc/shadow", DIR "/moved-shadow"), 0);
	assert_int_equal(kt_open(DIR "/moved-shadow", O_RDONLY), EPERM);
	/* A new file renamed over the protected path is protected too. */
	kt_write(DIR "/new-shadow", "replaced\n");
	assert_int_equal(rename(DIR "/new-shadow", DIR "/etc/shadow"), 0);
	assert_int_equal(kt_open(DIR "/etc/shadow", O_RDONLY), EPERM);

	assert_int_equal(kt_agent_stop(&a), 0);
	umount2(DIR "/bind", MNT_DETACH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(denied_read_fails_allowed_read_succeeds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(verbose_start_reports_the_verifiers_work, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unprivileged_user_is_denied_and_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(subtree_denies_writes_allows_reads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(complain_mode_allows_and_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(stopping_the_agent_ends_enforcement, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_policy_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(aliases_of_a_denied_file_are_denied, setup,
						teardown),
		cmocka_unit_test_setup_teardown(denial_goes_to_syslog, setup, teardown),
	};

	return cmocka_run_group_tests_name("file_open", tests, NULL, NULL);
}
