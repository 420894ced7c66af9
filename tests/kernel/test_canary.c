// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_canary.c - proof that enforcement is live, on the real kernel: the
 * canary passes at start (even for a complain-mode policy) and after a
 * reload, "stockade status" shows it, and it fails loudly when the file
 * program is really gone (its pinned link removed, so the kernel detached
 * it): at start with a non-zero exit, and on the periodic probe. Also: the
 * event reader is marked as the agent, so its syslog output still works
 * where a policy denies unix sockets.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define TDIR "/tmp/kt-canary"
#define PIN_DIR "/sys/fs/bpf/stk-canary"
#define STATUS_FILE "/run/stockade/status-stk-canary.json"
#define CANARY_FILE "/run/stockade/canary-stk-canary"
#define DEADLINE_MS 90000 /* TCG is slow: loading alone takes seconds */

static const char *const unload[] = { "stockade", "unload", "--pin-dir", PIN_DIR, NULL };

static void write_policy(const char *mode, const char *sockets)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"canary\", \"mode\": \"%s\",\n"
		 "  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		 "{ \"id\": \"no-secret\", \"paths\": [\"" TDIR "/secret\", \"" TDIR
		 "/secret2\"], \"access\": [\"read\"], \"action\": \"deny\" } ] }%s }\n",
		 mode, sockets ? sockets : "");
	kt_write(TDIR "/policy.json", text);
}

static int setup(void **state)
{
	char err[4096];

	(void)state;
	kt_stockade(unload, err, sizeof(err));
	kt_rm(TDIR);
	kt_write(TDIR "/secret", "s\n");
	kt_write(TDIR "/secret2", "s\n");
	return 0;
}

static int teardown(void **state)
{
	char err[4096];

	(void)state;
	kt_agent_reap_all();
	kt_stockade(unload, err, sizeof(err));
	kt_rm(TDIR);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The agent's canary state from the status file; NULL while there is none. */
static struct json_object *canary_status(long long *ret_passes, const char **ret_result,
					 struct json_object **ret_top)
{
	struct json_object *o = json_object_from_file(STATUS_FILE), *c;

	*ret_top = o;
	if (!o || !json_object_object_get_ex(o, "canary", &c))
		return NULL;
	*ret_passes = kt_int(c, "passes");
	*ret_result = kt_str(c, "result");
	return c;
}

/* Waits until the canary has @result with at least @min_passes passes. */
static void wait_canary(const char *result, long long min_passes)
{
	long long deadline = now_ms() + DEADLINE_MS, passes = 0;
	const char *res = "none";
	struct json_object *top, *c;

	for (;;) {
		c = canary_status(&passes, &res, &top);
		if (c && !strcmp(res, result) && passes >= min_passes) {
			assert_true(kt_bool(top, "enforcement_active") == !strcmp(result, "passed"));
			if (!strcmp(result, "passed"))
				assert_true(kt_int(c, "last_pass") > 0);
			json_object_put(top);
			return;
		}
		json_object_put(top);
		if (now_ms() > deadline)
			fail_msg("canary state is %s with %lld passes, wanted %s with %lld", res,
				 passes, result, min_passes);
		nap_ms(100);
	}
}

/* Runs "stockade status --pin-dir" and returns whether its output holds @needle. */
static bool status_says(const char *needle)
{
	char out[] = TDIR "/status.out";
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "stockade status --pin-dir " PIN_DIR " > %s", out);
	if (system(cmd) != 0)
		return false;
	return kt_file_has(out, needle);
}

/*
 * A complain-mode policy denies nothing, but the canary rule is the
 * agent's own and enforced: the probe is denied at start and after a
 * reload, its event is not in the audit log, and status shows it.
 */
static void canary_passes_at_start_and_after_reload(void **state)
{
	const char *const extra[] = { "--pin-dir", PIN_DIR, NULL };
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	write_policy("complain", NULL);
	kt_agent_start(&a, TDIR "/policy.json", extra);
	wait_canary("passed", 1);
	assert_true(status_says("canary: passed"));
	assert_true(kt_file_has(a.stderr_path, "enforcement is live (start)"));
	/* Complain mode: the policy's own rule lets the read through. */
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), 0);
	ev = kt_wait_event(&a, TDIR "/secret");
	assert_non_null(ev);
	assert_false(kt_bool(ev, "enforced"));
	json_object_put(ev);
	/* The probe's event is proof, not an access: not in the log. */
	assert_int_equal(kt_count_events(&a, CANARY_FILE), 0);

	assert_int_equal(kill(a.pid, SIGHUP), 0);
	wait_canary("passed", 2);
	assert_true(status_says("canary: passed"));
	assert_int_equal(kt_count_events(&a, CANARY_FILE), 0);

	/* Anyone else reading the canary is denied and logged like any denial. */
	assert_int_equal(kt_open_as(CANARY_FILE, O_RDONLY, "nosy", -1, NULL), EPERM);
	ev = kt_wait_event(&a, CANARY_FILE);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "comm"), "nosy");
	assert_true(kt_bool(ev, "enforced"));
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* Removes the pinned file_open link; waits until the kernel has really detached it. */
static void detach_file_program(void)
{
	long long deadline = now_ms() + DEADLINE_MS;

	assert_int_equal(unlink(PIN_DIR "/links/stk_file_open"), 0);
	/* The canary file's own rule is our witness: readable means no program judges it. */
	while (kt_open(CANARY_FILE, O_RDONLY) != 0) {
		if (now_ms() > deadline)
			fail_msg("the file program stayed attached");
		nap_ms(100);
	}
}

/*
 * Enforcement really absent: the pinned file_open link is removed, so the
 * kernel detaches the program while the other programs stay pinned. An
 * adopting agent's periodic canary notices; a starting one refuses to run.
 */
static void canary_fails_without_enforcement(void **state)
{
	const char *const persist[] = { "--pin-dir", PIN_DIR, "--persist", NULL };
	const char *const periodic[] = { "--pin-dir", PIN_DIR, "--persist", "--canary-interval",
					 "1", NULL };
	const char *const run[] = { "stockade", "run", "--policy", TDIR "/policy.json",
				    "--audit-log", TDIR "/audit.log", "--no-syslog",
				    "--pin-dir", PIN_DIR, NULL };
	struct ktest_agent a;
	char err[16384];

	(void)state;
	write_policy("enforce", NULL);
	kt_agent_start(&a, TDIR "/policy.json", persist);
	wait_canary("passed", 1);
	assert_int_equal(kt_agent_stop(&a), 0);

	/* The adopting agent holds no link: removing the pin detaches the program. */
	kt_agent_start(&a, TDIR "/policy.json", periodic);
	wait_canary("passed", 1);
	assert_true(kt_file_has(a.stderr_path, "adopted"));
	detach_file_program();
	wait_canary("failed", 0);
	assert_true(status_says("canary: FAILED"));
	assert_true(kt_file_has(a.stderr_path, "ENFORCEMENT IS NOT ACTIVE (periodic)"));
	assert_int_equal(kt_agent_stop(&a), 0);

	/* A starting agent that cannot prove enforcement says so and exits non-zero. */
	assert_int_not_equal(kt_stockade(run, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "ENFORCEMENT IS NOT ACTIVE (start, adopted programs)"));
	assert_non_null(strstr(err, "was allowed"));
	assert_non_null(strstr(err, "not starting"));
	wait_canary("failed", 0);
}

/* A datagram socket for syslog lines; bound to /dev/log when @bind_now. */
static int log_socket(bool bind_now)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/dev/log");
	if (bind_now) {
		unlink(sa.sun_path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		/* As syslog daemons make it: the unprivileged reader must connect too. */
		assert_int_equal(chmod(sa.sun_path, 0666), 0);
	}
	return fd;
}

static void dump(const char *path)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	fprintf(stderr, "# --- %s ---\n", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

/* Makes a unix socket; returns 0 or the errno. */
static int unix_socket(void *arg)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	(void)arg;
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Waits for a syslog line on @fd that holds @needle. */
static void wait_syslog(const struct ktest_agent *a, int fd, const char *needle)
{
	long long deadline = now_ms() + DEADLINE_MS;
	char buf[8192];
	ssize_t n;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 200) > 0) {
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n > 0) {
				buf[n] = '\0';
				if (strstr(buf, needle))
					return;
			}
		}
		if (now_ms() > deadline) {
			dump(a->stderr_path);
			dump(a->log);
			fail_msg("no syslog line with %s", needle);
		}
	}
}

/*
 * With "sockets": deny unix, only the agent may make unix sockets. The
 * reader's syslog connection is made again when the log socket goes away
 * (a journald restart); that needs socket(AF_UNIX) in the reader, which
 * works only because the reader is marked as the agent.
 */
static void reader_syslog_works_under_deny_unix(void **state)
{
	const char *const extra[] = { "--pin-dir", PIN_DIR, "--syslog", NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ktest_agent a;
	int first, second;

	(void)state;
	write_policy("enforce", ", \"sockets\": { \"deny\": [\"unix\"] }");
	/* Both made now: once the policy is in force, this test may not make sockets. */
	first = log_socket(true);
	second = log_socket(false);
	kt_agent_start(&a, TDIR "/policy.json", extra);
	wait_canary("passed", 1);
	assert_int_equal(kt_open(TDIR "/secret", O_RDONLY), EPERM);
	wait_syslog(&a, first, TDIR "/secret");

	/* The syslog daemon "restarts": the reader must connect a new socket. */
	close(first);
	unlink("/dev/log");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/dev/log");
	assert_int_equal(bind(second, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chmod(sa.sun_path, 0666), 0);
	assert_int_equal(kt_open(TDIR "/secret2", O_RDONLY), EPERM);
	wait_syslog(&a, second, TDIR "/secret2");
	/* Others still may not: the exemption is the agent's alone. */
	assert_int_equal(kt_in_child(unix_socket, NULL), EPERM);
	assert_int_equal(kt_agent_stop(&a), 0);
	close(second);
	unlink("/dev/log");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(canary_passes_at_start_and_after_reload, setup,
						teardown),
		cmocka_unit_test_setup_teardown(canary_fails_without_enforcement, setup, teardown),
		cmocka_unit_test_setup_teardown(reader_syslog_works_under_deny_unix, setup,
						teardown),
	};

	/* KT_ONLY=pattern runs only the matching tests (while debugging). */
	if (getenv("KT_ONLY"))
		cmocka_set_test_filter(getenv("KT_ONLY"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
