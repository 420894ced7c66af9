// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_net_reload.c - a reload switches network rules together with file
 * rules: policies A and B differ in both (A denies connect to PORT_A and
 * reading FILE_A, B denies PORT_B and FILE_B) and are swapped 120 times by
 * SIGHUP while a child probes both ports and both files in a tight loop.
 * Every probe must give a verdict one of the two policies gives, and every
 * probe round done while no reload was under way (a sequence counter the
 * test bumps around each reload, read before and after the round) must
 * match the whole policy in force: never no rules, never old file rules
 * with new network rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "ktest.h"

#define DIR "/tmp/kt-netreload"
#define POLICY DIR "/policy.json"
#define FILE_A DIR "/fa"
#define FILE_B DIR "/fb"
#define PORT_A 7101
#define PORT_B 7102
#define STATUS_FILE "/run/stockade/status.json"
#define RELOADS 120

#define POLICY_TEXT(port, file)                                                                 \
	"{ \"stockade\": 1, \"name\": \"netgen\", \"mode\": \"enforce\",\n"                     \
	"  \"files\": { \"default\": \"allow\", \"rules\": [\n"                                 \
	"    { \"id\": \"f\", \"paths\": [\"" file "\"], \"access\": [\"read\"],"                \
	" \"action\": \"deny\" } ] },\n"                                                          \
	"  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [\n"                \
	"    { \"id\": \"n\", \"cidrs\": [\"127.0.0.1/32\"], \"ports\": [\"" #port "\"],"         \
	" \"protocols\": [\"tcp\"], \"action\": \"deny\" } ] } } }\n"
#define STR_POLICY(port, file) POLICY_TEXT(port, file)

static const char *const policy_a = STR_POLICY(7101, FILE_A);
static const char *const policy_b = STR_POLICY(7102, FILE_B);

/* What the prober counts, in memory shared with the test. */
struct shared {
	long seq;	/* odd: a reload is under way; seq / 2 reloads are done */
	int stop;
	long rounds;	/* probe rounds */
	long checked;	/* rounds within one generation, matched whole */
	long mixed;	/* rounds within one generation that matched no policy */
	long bad;	/* probes with a verdict neither policy gives */
	long seen[2];	/* checked rounds that matched A, B */
	char first_bad[256];
};

static struct shared *sh;

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR);
	kt_write(FILE_A, "a\n");
	kt_write(FILE_B, "b\n");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	munmap(sh, sizeof(*sh));
	kt_rm(DIR);
	return 0;
}

static void put_policy(const char *text)
{
	kt_write(POLICY ".tmp", text);
	assert_int_equal(rename(POLICY ".tmp", POLICY), 0);
}

/* 1: denied (EPERM), 0: allowed, -1: a result that is neither. */
static int probe_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), r, e;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	e = errno;
	close(fd);
	if (!r || e == EINPROGRESS || e == ECONNREFUSED)
		return 0;
	return e == EPERM ? 1 : -1;
}

static int probe_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = errno;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return e == EPERM ? 1 : -1;
}

static void note_bad(const char *what, int ca, int cb, int fa, int fb, long seq)
{
	if (!sh->first_bad[0])
		snprintf(sh->first_bad, sizeof(sh->first_bad),
			 "%s: connect %d:%d %d:%d, open fa %d fb %d, seq %ld", what, PORT_A, ca,
			 PORT_B, cb, fa, fb, seq);
}

/* The prober: rounds of the four probes until told to stop. */
static void probe_loop(void)
{
	while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
		long s1 = __atomic_load_n(&sh->seq, __ATOMIC_SEQ_CST), s2;
		int ca = probe_connect(PORT_A), fa = probe_open(FILE_A);
		int cb = probe_connect(PORT_B), fb = probe_open(FILE_B);

		s2 = __atomic_load_n(&sh->seq, __ATOMIC_SEQ_CST);
		sh->rounds++;
		/* Each probe alone: one of the two policies' verdicts, never an error. */
		if (ca < 0 || cb < 0 || fa < 0 || fb < 0) {
			sh->bad++;
			note_bad("unexpected result", ca, cb, fa, fb, s1);
		}
		if (s1 != s2 || s1 % 2)
			continue;
		/* No reload under way: reload n (seq 2n) made A in force when n is even. */
		sh->checked++;
		if (ca == 1 && fa == 1 && cb == 0 && fb == 0) {
			if ((s1 / 2) % 2 == 0)
				sh->seen[0]++;
			else
				sh->mixed++, note_bad("B in force, A seen", ca, cb, fa, fb, s1);
		} else if (ca == 0 && fa == 0 && cb == 1 && fb == 1) {
			if ((s1 / 2) % 2 == 1)
				sh->seen[1]++;
			else
				sh->mixed++, note_bad("A in force, B seen", ca, cb, fa, fb, s1);
		} else {
			sh->mixed++;
			note_bad("no whole policy", ca, cb, fa, fb, s1);
		}
	}
	_exit(0);
}

static void reloads_switch_network_and_file_rules_together(void **state)
{
	struct ktest_agent a;
	pid_t prober;
	int st;

	(void)state;
	put_policy(policy_a);
	kt_agent_start(&a, POLICY, (const char *const[]){ "--audit-log", "none", NULL });
	assert_int_equal(probe_connect(PORT_A), 1);
	assert_int_equal(probe_connect(PORT_B), 0);
	prober = fork();
	assert_true(prober >= 0);
	if (prober == 0)
		probe_loop();
	for (long i = 1; i <= RELOADS; i++) {
		put_policy(i % 2 ? policy_b : policy_a);
		__atomic_store_n(&sh->seq, 2 * i - 1, __ATOMIC_SEQ_CST);
		assert_int_equal(kill(a.pid, SIGHUP), 0);
		kt_wait_reloads(STATUS_FILE, i);
		__atomic_store_n(&sh->seq, 2 * i, __ATOMIC_SEQ_CST);
		/* Let the prober do whole rounds in this generation too. */
		usleep(20000);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	assert_int_equal(waitpid(prober, &st, 0), prober);
	print_message("# %ld rounds, %ld within one generation (A %ld, B %ld), %ld mixed, "
		      "%ld bad%s%s\n", sh->rounds, sh->checked, sh->seen[0], sh->seen[1], sh->mixed,
		      sh->bad, sh->first_bad[0] ? "; first: " : "", sh->first_bad);
	assert_int_equal(sh->bad, 0);
	assert_int_equal(sh->mixed, 0);
	/* Both policies were really judged by, many times. */
	assert_true(sh->seen[0] >= 20 && sh->seen[1] >= 20);
	/* RELOADS is even: A is in force again, network and files. */
	assert_int_equal(probe_connect(PORT_A), 1);
	assert_int_equal(probe_connect(PORT_B), 0);
	assert_int_equal(probe_open(FILE_A), 1);
	assert_int_equal(probe_open(FILE_B), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* A reload to a policy without network rules lifts them; back again, they hold. */
static void reload_removes_and_restores_network_rules(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	static const char *const files_only =
		"{ \"stockade\": 1, \"name\": \"netgen\", \"mode\": \"enforce\",\n"
		"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		"    { \"id\": \"f\", \"paths\": [\"" FILE_B "\"], \"access\": [\"read\"],"
		" \"action\": \"deny\" } ] } }\n";
	struct ktest_agent a;
	char err[4096];

	(void)state;
	put_policy(policy_a);
	kt_agent_start(&a, POLICY, NULL);
	assert_int_equal(probe_connect(PORT_A), 1);
	put_policy(files_only);
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 0);
	assert_int_equal(probe_connect(PORT_A), 0);
	assert_int_equal(probe_connect(PORT_B), 0);
	assert_int_equal(probe_open(FILE_B), 1);
	put_policy(policy_b);
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 0);
	assert_int_equal(probe_connect(PORT_A), 0);
	assert_int_equal(probe_connect(PORT_B), 1);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* Without network rules at start the programs are not loaded: adding rules is refused. */
static void reload_adding_network_rules_is_refused(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	static const char *const files_only =
		"{ \"stockade\": 1, \"name\": \"netgen\", \"mode\": \"enforce\",\n"
		"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
		"    { \"id\": \"f\", \"paths\": [\"" FILE_B "\"], \"access\": [\"read\"],"
		" \"action\": \"deny\" } ] } }\n";
	struct ktest_agent a;
	char err[4096];

	(void)state;
	put_policy(files_only);
	kt_agent_start(&a, POLICY, NULL);
	put_policy(policy_a);
	assert_int_not_equal(kt_stockade(reload, err, sizeof(err)), 0);
	if (!strstr(err, "cannot add network rules"))
		fail_msg("unexpected message: %s", err);
	/* The old policy stays in force, whole. */
	assert_int_equal(probe_connect(PORT_A), 0);
	assert_int_equal(probe_open(FILE_A), 0);
	assert_int_equal(probe_open(FILE_B), 1);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* More CIDRs than the maps have room for: refused, the old policy whole, later reloads fine. */
static void reload_too_big_for_the_network_maps_is_refused(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct ktest_agent a;
	char err[4096], *big;
	size_t len = 0, cap = 64 * 1024;

	(void)state;
	put_policy(policy_a);
	kt_agent_start(&a, POLICY, NULL);
	/* The maps hold 2 * entries + 256 per generation: 600 /32s cannot fit. */
	big = malloc(cap);
	assert_non_null(big);
	len += snprintf(big + len, cap - len,
			"{ \"stockade\": 1, \"name\": \"netgen\", \"mode\": \"enforce\",\n"
			"  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [\n"
			"    { \"id\": \"many\", \"action\": \"deny\", \"cidrs\": [");
	for (int i = 0; i < 600; i++)
		len += snprintf(big + len, cap - len, "%s\"10.1.%d.%d/32\"", i ? ", " : "",
				i / 200, i % 200 + 1);
	snprintf(big + len, cap - len, "] } ] } } }\n");
	put_policy(big);
	free(big);
	assert_int_not_equal(kt_stockade(reload, err, sizeof(err)), 0);
	if (!strstr(err, "maps are full"))
		fail_msg("unexpected message: %s", err);
	assert_int_equal(probe_connect(PORT_A), 1);
	assert_int_equal(probe_connect(PORT_B), 0);
	assert_int_equal(probe_open(FILE_A), 1);
	/* What the refused reload wrote is gone: B fits and is in force at once. */
	put_policy(policy_b);
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 0);
	assert_int_equal(probe_connect(PORT_A), 0);
	assert_int_equal(probe_connect(PORT_B), 1);
	assert_int_equal(probe_open(FILE_A), 0);
	assert_int_equal(probe_open(FILE_B), 1);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reload_adding_network_rules_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reload_removes_and_restores_network_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reload_too_big_for_the_network_maps_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(reloads_switch_network_and_file_rules_together,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("net_reload", tests, NULL, NULL);
}
