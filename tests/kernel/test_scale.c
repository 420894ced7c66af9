// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_scale.c - one policy set with 100,000 file rules and 10,000 exec
 * rules loads and is enforced: a denied file among the 100k fails with
 * EPERM and is named by its own rule, an unlisted file opens, and an exec
 * rule among the 10k decides. Every rule path is a real file, so every
 * rule is an inode key (plus its name key), as in a real deployment.
 * Prints the agent's start time and resident memory as TAP comments.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-scale"
#define HELPER "/usr/local/bin/stk-helper-true"
#define N_FILE_RULES 100000
#define N_EXEC_RULES 10000
#define FILES_PER_DIR 1000

static void file_path(char *buf, size_t len, int i)
{
	snprintf(buf, len, DIR "/f/d%02d/f%06d", i / FILES_PER_DIR, i);
}

static void exec_path(char *buf, size_t len, int i)
{
	snprintf(buf, len, DIR "/x/e%05d", i);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	if (fd < 0)
		fail_msg("create %s: %s", path, strerror(errno));
	close(fd);
}

static void write_policy(const char *path)
{
	FILE *f = fopen(path, "we");
	char p[256];
	int i;

	assert_non_null(f);
	fprintf(f, "{ \"stockade\": 1, \"name\": \"scale\",\n"
		   "  \"files\": { \"default\": \"allow\", \"rules\": [\n");
	for (i = 0; i < N_FILE_RULES; i++) {
		file_path(p, sizeof(p), i);
		fprintf(f, "%s{ \"id\": \"f%d\", \"paths\": [\"%s\"], \"access\": [\"read\"], "
			   "\"action\": \"deny\" }\n", i ? "," : " ", i, p);
	}
	fprintf(f, "  ] },\n  \"exec\": { \"default\": \"allow\", \"rules\": [\n");
	for (i = 0; i < N_EXEC_RULES; i++) {
		exec_path(p, sizeof(p), i);
		fprintf(f, "%s{ \"id\": \"x%d\", \"paths\": [\"%s\"], \"action\": \"deny\" }\n",
			i ? "," : " ", i, p);
	}
	fprintf(f, "  ] } }\n");
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	char p[256];
	int i;

	(void)state;
	kt_rm(DIR);
	for (i = 0; i < N_FILE_RULES / FILES_PER_DIR; i++) {
		snprintf(p, sizeof(p), DIR "/f/d%02d", i);
		kt_mkdirs(p);
	}
	kt_mkdirs(DIR "/x");
	for (i = 0; i < N_FILE_RULES; i++) {
		file_path(p, sizeof(p), i);
		touch(p);
	}
	for (i = 0; i < N_EXEC_RULES; i++) {
		exec_path(p, sizeof(p), i);
		touch(p);
	}
	kt_write(DIR "/f/d42/unlisted", "open\n");
	exec_path(p, sizeof(p), 4242);
	kt_copy(HELPER, p, 0755);
	kt_copy(HELPER, DIR "/x/unlisted", 0755);
	write_policy(DIR "/policy.json");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	kt_rm(DIR);
	return 0;
}

/* The "@field: N kB" line of @path (/proc/PID/status, /proc/meminfo), or -1. */
static long kb_field(const char *path, const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void expect_denial(const struct ktest_agent *a, const char *path, const char *hook,
			  const char *rule)
{
	struct json_object *ev = kt_wait_event(a, path);

	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "rule"), rule);
	json_object_put(ev);
}

static void hundred_thousand_file_and_ten_thousand_exec_rules(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	char *argv[] = { "scale-probe", NULL };
	struct ktest_agent a;
	char err[4096];
	long rss_start, rss_reload;
	char first[256], mid[256], last[256], bin[256];
	char status_path[64];
	long long started;
	int status = -1;

	(void)state;
	/*
	 * Alone, the agent enforces in about 20 s under TCG; on a host busy
	 * with other VMs, parsing and loading 110,000 rules takes far longer.
	 */
	kt_agent_start_timeout_ms = 900000;
	started = kt_now_ms();
	kt_agent_start(&a, DIR "/policy.json", NULL);
	snprintf(status_path, sizeof(status_path), "/proc/%d/status", (int)a.pid);
	print_message("# %d file rules and %d exec rules enforced %lld ms after start; agent "
		      "RSS %ld kB (peak %ld kB); guest MemAvailable %ld of %ld kB\n",
		      N_FILE_RULES, N_EXEC_RULES, kt_now_ms() - started,
		      kb_field(status_path, "VmRSS"), kb_field(status_path, "VmHWM"),
		      kb_field("/proc/meminfo", "MemAvailable"),
		      kb_field("/proc/meminfo", "MemTotal"));

	file_path(first, sizeof(first), 0);
	file_path(mid, sizeof(mid), 42424);
	file_path(last, sizeof(last), N_FILE_RULES - 1);
	assert_int_equal(kt_open(mid, O_RDONLY), EPERM);
	assert_int_equal(kt_open(first, O_RDONLY), EPERM);
	assert_int_equal(kt_open(last, O_RDONLY), EPERM);
	/* The rules deny read only, and only on the files they name. */
	assert_int_equal(kt_open(mid, O_WRONLY), 0);
	assert_int_equal(kt_open(DIR "/f/d42/unlisted", O_RDONLY), 0);
	expect_denial(&a, mid, "file_open", "f42424");
	expect_denial(&a, first, "file_open", "f0");
	expect_denial(&a, last, "file_open", "f99999");

	exec_path(bin, sizeof(bin), 4242);
	assert_int_equal(kt_run(bin, argv, &status), EPERM);
	assert_int_equal(kt_run(DIR "/x/unlisted", argv, &status), 0);
	assert_int_equal(status, 0);
	expect_denial(&a, bin, "bprm_check_security", "x4242");
	assert_int_equal(kt_count_events(&a, DIR "/f/d42/unlisted"), 0);
	assert_int_equal(kt_count_events(&a, DIR "/x/unlisted"), 0);

	/*
	 * A reload loads the whole policy again; afterwards the agent gives
	 * back what loading needed, as after start (it kept about 7x its
	 * start RSS at 400,000 rules before it did).
	 */
	rss_start = kb_field(status_path, "VmRSS");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload failed: %s", err);
	rss_reload = kb_field(status_path, "VmRSS");
	print_message("# agent RSS %ld kB before the reload, %ld kB after\n", rss_start,
		      rss_reload);
	assert_true(rss_reload <= rss_start + rss_start / 4 + 16384);
	assert_int_equal(kt_open(mid, O_RDONLY), EPERM);
	assert_int_equal(kt_open(DIR "/f/d42/unlisted", O_RDONLY), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hundred_thousand_file_and_ten_thousand_exec_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
