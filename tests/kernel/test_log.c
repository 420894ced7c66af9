// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_log.c - "stockade log" on a log the real agent wrote: denials
 * caused with real opens are found by the filters, replayed against a
 * draft with --against, and --suggest's rules, enforced by the real
 * kernel, allow what complain mode recorded and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-log"

static char out[65536], err[8192];

static void write_policy(const char *path, const char *mode, const char *rules)
{
	char text[16384];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"kt-log\", \"mode\": \"%s\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n%s ] } }\n",
		 mode, rules);
	kt_write(path, text);
}

/* Runs "stockade log ARGS" with its stdout in out[], stderr in err[]; returns its status. */
static int run_log(const char *const *args)
{
	char opath[] = "/tmp/kt-log-out-XXXXXX", epath[] = "/tmp/kt-log-err-XXXXXX";
	int ofd = mkstemp(opath), efd = mkstemp(epath), st, i;
	const char *argv[32] = { "stockade", "log" };
	ssize_t n;
	pid_t pid;

	if (ofd < 0 || efd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	for (i = 0; args[i] && i < 29; i++)
		argv[i + 2] = args[i];
	pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execvp("stockade", (char **)argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	n = pread(ofd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	n = pread(efd, err, sizeof(err) - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(ofd);
	close(efd);
	unlink(opath);
	unlink(epath);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The JSON lines of out[], parsed; returns how many. */
static int out_lines(struct json_object **v, int max)
{
	char *save = NULL, *line;
	int n = 0;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (n == max)
			fail_msg("more than %d lines", max);
		v[n] = json_tokener_parse(line);
		if (!v[n])
			fail_msg("not JSON: %s", line);
		n++;
	}
	return n;
}

static void put_all(struct json_object **v, int n)
{
	while (n--)
		json_object_put(v[n]);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/etc");
	kt_write(DIR "/etc/shadow", "root:secret\n");
	kt_write(DIR "/srv/secrets/key", "k\n");
	kt_mkdirs(DIR "/srv/app");
	kt_mkdirs(DIR "/srv/other");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	kt_rm(DIR);
	return 0;
}

static const char *const rules =
	"{ \"id\": \"no-shadow\", \"paths\": [\"" DIR "/etc/shadow\"], "
	"\"access\": [\"read\", \"write\"], \"action\": \"deny\" },\n"
	"{ \"id\": \"ro-secrets\", \"paths\": [\"" DIR "/srv/secrets/\"], "
	"\"access\": [\"write\"], \"action\": \"deny\" }\n";

static void denials_are_found_by_rule_and_replayed(void **state)
{
	struct ktest_agent a;
	struct json_object *v[16], *ev, *wi, *f;
	pid_t pa, pb;
	int n;

	(void)state;
	write_policy(DIR "/policy.json", "enforce", rules);
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(kt_open_as(DIR "/etc/shadow", O_RDONLY, "log-probe-a", -1, &pa), EPERM);
	assert_int_equal(kt_open_as(DIR "/srv/secrets/key", O_WRONLY, "log-probe-b", -1, &pb),
			 EPERM);
	ev = kt_wait_event(&a, DIR "/srv/secrets/key");
	assert_non_null(ev);
	json_object_put(ev);
	ev = kt_wait_event(&a, DIR "/etc/shadow");
	assert_non_null(ev);
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);

	assert_int_equal(run_log((const char *[]){ "--file", a.log, "--json", "--rule", "no-shadow",
						   NULL }),
			 0);
	n = out_lines(v, 16);
	assert_int_equal(n, 1);
	assert_string_equal(kt_str(v[0], "path"), DIR "/etc/shadow");
	assert_int_equal(kt_int(v[0], "pid"), pa);
	assert_string_equal(kt_str(v[0], "comm"), "log-probe-a");
	put_all(v, n);

	assert_int_equal(run_log((const char *[]){ "--file", a.log, "--json", "--comm",
						   "log-probe-b", "--action", "deny", "--since",
						   "10m", NULL }),
			 0);
	n = out_lines(v, 16);
	assert_int_equal(n, 1);
	assert_string_equal(kt_str(v[0], "rule"), "ro-secrets");
	assert_int_equal(kt_int(v[0], "pid"), pb);
	put_all(v, n);

	/* Events of the future match nothing. */
	assert_int_equal(run_log((const char *[]){ "--file", a.log, "--json", "--since",
						   "2099-01-01", NULL }),
			 0);
	assert_string_equal(out, "");

	/* A draft without no-shadow: that denial would be allowed, the other stays. */
	write_policy(DIR "/draft.json", "enforce",
		     "{ \"id\": \"ro-secrets\", \"paths\": [\"" DIR "/srv/secrets/\"], "
		     "\"access\": [\"write\"], \"action\": \"deny\" }\n");
	assert_int_equal(run_log((const char *[]){ "--file", a.log, "--json", "--path-prefix", DIR,
						   "--against", DIR "/draft.json", NULL }),
			 0);
	n = out_lines(v, 16);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++) {
		assert_true(json_object_object_get_ex(v[i], "whatif", &wi));
		assert_true(json_object_object_get_ex(wi, "draft", &f));
		if (!strcmp(kt_str(v[i], "rule"), "no-shadow"))
			assert_string_equal(json_object_get_string(f), "allow");
		else
			assert_string_equal(json_object_get_string(f), "deny");
	}
	put_all(v, n);
	assert_non_null(strstr(err, "1 event that was denied would be allowed"));
	assert_non_null(strstr(err, "1 event unchanged"));
}

static void suggested_rules_allow_what_complain_mode_recorded(void **state)
{
	struct ktest_agent a;
	struct json_object *sugg, *arr;
	const char *complain_rule =
		"{ \"id\": \"ro-srv\", \"paths\": [\"" DIR "/srv/\"], "
		"\"access\": [\"write\"], \"action\": \"deny\" }\n";
	char rules2[8192];
	size_t i;
	int n;

	(void)state;
	write_policy(DIR "/policy.json", "complain", complain_rule);
	kt_agent_start(&a, DIR "/policy.json", NULL);
	/* Complain mode: the writes succeed and are recorded. */
	assert_int_equal(kt_open(DIR "/srv/app/a.dat", O_WRONLY | O_CREAT), 0);
	assert_int_equal(kt_open(DIR "/srv/app/b.dat", O_WRONLY | O_CREAT), 0);
	assert_int_equal(kt_open(DIR "/srv/app/c.dat", O_WRONLY | O_CREAT), 0);
	for (i = 0; i < 200 && kt_count_events(&a, DIR "/srv/app/c.dat") < 1; i++)
		usleep(100000);
	assert_int_equal(kt_agent_stop(&a), 0);

	assert_int_equal(run_log((const char *[]){ "--file", a.log, "--suggest", "--path-prefix",
						   DIR, NULL }),
			 0);
	sugg = json_tokener_parse(out);
	if (!sugg)
		fail_msg("--suggest printed no JSON: %s", out);
	assert_true(json_object_object_get_ex(sugg, "kt-log", &arr));
	assert_int_equal(json_object_array_length(arr), 1);
	assert_non_null(strstr(out, "\"" DIR "/srv/app/\""));

	/* The policy, enforced, with the suggestion pasted in. */
	n = snprintf(rules2, sizeof(rules2), "%s", complain_rule);
	for (i = 0; i < json_object_array_length(arr); i++)
		n += snprintf(rules2 + n, sizeof(rules2) - n, ", %s\n",
			      json_object_to_json_string(json_object_array_get_idx(arr, i)));
	json_object_put(sugg);
	write_policy(DIR "/enforce.json", "enforce", rules2);
	kt_agent_start(&a, DIR "/enforce.json", NULL);
	assert_int_equal(kt_open(DIR "/srv/app/d.dat", O_WRONLY | O_CREAT), 0);
	assert_int_equal(kt_open(DIR "/srv/other/x.dat", O_WRONLY | O_CREAT), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(denials_are_found_by_rule_and_replayed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(suggested_rules_allow_what_complain_mode_recorded,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
