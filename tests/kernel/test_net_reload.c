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
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
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

/* Policy "netgen" with only a file rule: denies reading FILE_B, no network section. */
static const char *const files_only =
	"{ \"stockade\": 1, \"name\": \"netgen\", \"mode\": \"enforce\",\n"
	"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"f\", \"paths\": [\"" FILE_B "\"], \"access\": [\"read\"],"
	" \"action\": \"deny\" } ] } }\n";

/* files_only plus network rules: no TCP connect to PORT_C, no UDP to PORT_U. */
static const char *const files_and_net =
	"{ \"stockade\": 1, \"name\": \"netgen\", \"mode\": \"enforce\",\n"
	"  \"files\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"f\", \"paths\": [\"" FILE_B "\"], \"access\": [\"read\"],"
	" \"action\": \"deny\" } ] },\n"
	"  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"no-tcp-c\", \"cidrs\": [\"127.0.0.1/32\"], \"ports\": [\"7103\"],"
	" \"protocols\": [\"tcp\"], \"action\": \"deny\" },\n"
	"    { \"id\": \"no-udp-u\", \"cidrs\": [\"127.0.0.1/32\"], \"ports\": [\"7104\"],"
	" \"protocols\": [\"udp\"], \"action\": \"deny\" } ] } } }\n";

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
	long reloads = kt_repeats(RELOADS); /* even, as RELOADS */

	(void)state;
	put_policy(policy_a);
	kt_agent_start(&a, POLICY, (const char *const[]){ "--audit-log", "none", NULL });
	assert_int_equal(probe_connect(PORT_A), 1);
	assert_int_equal(probe_connect(PORT_B), 0);
	prober = fork();
	assert_true(prober >= 0);
	if (prober == 0)
		probe_loop();
	kt_track_child(prober);
	for (long i = 1; i <= reloads; i++) {
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
	kt_untrack_child(prober);
	print_message("# %ld rounds, %ld within one generation (A %ld, B %ld), %ld mixed, "
		      "%ld bad%s%s\n", sh->rounds, sh->checked, sh->seen[0], sh->seen[1], sh->mixed,
		      sh->bad, sh->first_bad[0] ? "; first: " : "", sh->first_bad);
	assert_int_equal(sh->bad, 0);
	assert_int_equal(sh->mixed, 0);
	/* Both policies were really judged by, many times. */
	assert_true(sh->seen[0] >= 20 && sh->seen[1] >= 20);
	/* An even number of reloads: A is in force again, network and files. */
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

#define PORT_C 7103 /* a TCP listener */
#define PORT_U 7104 /* a UDP socket */

static int listen_local(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 16), 0);
	return fd;
}

/*
 * A blocking connect (SOCK_STREAM) or an unconnected sendto (SOCK_DGRAM) to
 * 127.0.0.1:@port in a child named @comm: 0 or the errno it failed with.
 */
static int net_probe(int type, int port, const char *comm, pid_t *ret_pid)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	pid_t pid;
	int st;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = socket(AF_INET, type, 0), r;

		prctl(PR_SET_NAME, comm);
		if (fd < 0)
			_exit(100);
		if (type == SOCK_STREAM)
			r = connect(fd, (struct sockaddr *)&a, sizeof(a));
		else
			r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1 ? 0 : -1;
		_exit(r ? errno : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (ret_pid)
		*ret_pid = pid;
	return WEXITSTATUS(st);
}

/* Waits (up to 20 s) for the audit record of the process named @comm. */
static void expect_net_event(const struct ktest_agent *a, const char *comm, pid_t pid,
			     const char *hook, int port, const char *protocol, const char *rule)
{
	long long deadline = kt_now_ms() + 20000;
	struct json_object *ev;
	int count;
	bool bad;

	while (!(ev = kt_find_record(a->log, "comm", comm, &count, &bad)) &&
	       kt_now_ms() < deadline)
		usleep(50000);
	if (!ev)
		fail_msg("no audit record of %s (pid %d) in %s", comm, (int)pid, a->log);
	assert_int_equal(kt_int(ev, "pid"), pid);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_true(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "policy"), "netgen");
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "address"), "127.0.0.1");
	assert_int_equal(kt_int(ev, "port"), port);
	assert_string_equal(kt_str(ev, "protocol"), protocol);
	json_object_put(ev);
}

/* Puts @text in force with "stockade reload"; fails the test if it is refused. */
static void reload_to(const char *text)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	char err[4096];

	put_policy(text);
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload failed: %s", err);
}

/* A connect to PORT_C by a child named @comm is refused by files_and_net, and logged. */
static void expect_connect_denied(const struct ktest_agent *a, const char *comm)
{
	pid_t pid;

	assert_int_equal(net_probe(SOCK_STREAM, PORT_C, comm, &pid), EPERM);
	expect_net_event(a, comm, pid, "connect4", PORT_C, "tcp", "no-tcp-c");
}

/*
 * The hook "stockade status --json" gives for the link named @name, "" if
 * it lists none (the buffer is static).
 */
static const char *status_link_hook(const char *name)
{
	static const char *const status[] = { "stockade", "status", "--json", NULL };
	static char out[1 << 16], hook[64];
	struct json_object *o, *links, *l, *v;
	size_t i;

	hook[0] = '\0';
	assert_int_equal(kt_stockade_out(status, out, sizeof(out)), 0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "links", &links));
	for (i = 0; i < json_object_array_length(links); i++) {
		l = json_object_array_get_idx(links, i);
		if (json_object_object_get_ex(l, "name", &v) &&
		    !strcmp(json_object_get_string(v), name))
			snprintf(hook, sizeof(hook), "%s", kt_str(l, "hook"));
	}
	json_object_put(o);
	return hook;
}

static bool status_has_link(const char *name)
{
	return status_link_hook(name)[0] != '\0';
}

/*
 * Started without network rules, the agent still has its network programs
 * attached (judging nothing): a reload adds rules, which hold at once and
 * are logged by policy and rule name, and a reload back lifts them.
 */
static void reload_adds_network_rules_to_a_policy_without_them(void **state)
{
	int tcp = listen_local(SOCK_STREAM, PORT_C), udp = listen_local(SOCK_DGRAM, PORT_U);
	struct ktest_agent a;
	pid_t pid;

	(void)state;
	put_policy(files_only);
	kt_agent_start(&a, POLICY, NULL);
	/* Attached without rules; status names the cgroup hook. */
	assert_string_equal(status_link_hook("stk_connect4"), "cgroup_inet4_connect");
	assert_string_equal(status_link_hook("stk_sendmsg4"), "cgroup_udp4_sendmsg");
	assert_int_equal(net_probe(SOCK_STREAM, PORT_C, "nr-tcp-before", NULL), 0);
	assert_int_equal(net_probe(SOCK_DGRAM, PORT_U, "nr-udp-before", NULL), 0);
	assert_int_equal(probe_open(FILE_B), 1);

	reload_to(files_and_net);
	expect_connect_denied(&a, "nr-tcp-denied");
	assert_int_equal(net_probe(SOCK_DGRAM, PORT_U, "nr-udp-denied", &pid), EPERM);
	expect_net_event(&a, "nr-udp-denied", pid, "sendmsg4", PORT_U, "udp", "no-udp-u");
	/* Only what the rules name: UDP to the TCP rule's port still goes. */
	assert_int_equal(net_probe(SOCK_DGRAM, PORT_C, "nr-udp-c", NULL), 0);
	assert_int_equal(probe_open(FILE_B), 1);

	reload_to(files_only);
	assert_int_equal(net_probe(SOCK_STREAM, PORT_C, "nr-tcp-after", NULL), 0);
	assert_int_equal(net_probe(SOCK_DGRAM, PORT_U, "nr-udp-after", NULL), 0);
	assert_int_equal(probe_open(FILE_B), 1);
	/* Removing every rule leaves the programs attached, ready for the next reload. */
	assert_true(status_has_link("stk_connect4"));
	assert_int_equal(kt_agent_stop(&a), 0);
	close(tcp);
	close(udp);
}

/* The mount namespace the test started in, while a test runs without cgroup v2. */
static int saved_mnt_ns = -1;

/*
 * Moves this process (and the agents it starts) into a new mount namespace
 * without any cgroup2 mount: a host without cgroup v2, for the network rules.
 */
static void leave_cgroup2(void)
{
	char line[4096], mnt[4096];
	bool found = true;
	FILE *f;

	saved_mnt_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	assert_true(saved_mnt_ns >= 0);
	assert_int_equal(unshare(CLONE_NEWNS), 0);
	assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	for (int tries = 0; found && tries < 8; tries++) {
		found = false;
		f = fopen("/proc/self/mountinfo", "re");
		assert_non_null(f);
		while (!found && fgets(line, sizeof(line), f))
			found = strstr(line, " - cgroup2 ") &&
				sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1;
		fclose(f);
		if (found)
			assert_int_equal(umount2(mnt, MNT_DETACH), 0);
	}
	assert_false(found);
}

static void back_to_cgroup2(void)
{
	if (saved_mnt_ns < 0)
		return;
	if (setns(saved_mnt_ns, CLONE_NEWNS))
		fail_msg("setns back to the first mount namespace: %s", strerror(errno));
	close(saved_mnt_ns);
	saved_mnt_ns = -1;
}

static int teardown_ns(void **state)
{
	static const char *const unload[] = { "stockade", "unload", NULL };
	char err[4096];

	kt_agent_reap_all();
	back_to_cgroup2();
	/* What a failed test left pinned (--persist) must not meet the next one. */
	kt_stockade(unload, err, sizeof(err));
	return teardown(state);
}

/* Runs "stockade run" on @policy, which must fail; its stderr in @err. */
static int run_must_fail(const char *policy, char *err, size_t len)
{
	char path[] = "/tmp/kt-netreload-err-XXXXXX";
	int fd = mkstemp(path), st;
	pid_t pid;
	ssize_t n;

	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* An agent that wrongly starts is ended by the alarm, not left running. */
		alarm(120);
		dup2(fd, 2);
		execlp("stockade", "stockade", "run", "--policy", policy, "--audit-log", "none",
		       "--no-syslog", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	n = pread(fd, err, len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Without a cgroup v2 mount there is nothing to attach the network programs
 * to: a policy with network rules fails at start, and a reload adding them
 * is refused with the reason while the old policy stays in force.
 */
static void without_cgroup2_network_rules_are_refused(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct ktest_agent a;
	char err[4096];
	int rc;

	(void)state;
	leave_cgroup2();
	put_policy(files_and_net);
	rc = run_must_fail(POLICY, err, sizeof(err));
	if (rc == 0 || rc >= 128 || !strstr(err, "no cgroup v2 mount for the network rules"))
		fail_msg("stockade run without cgroup v2: status %d: %s", rc, err);

	put_policy(files_only);
	kt_agent_start(&a, POLICY, NULL);
	assert_false(status_has_link("stk_connect4"));
	assert_int_equal(probe_open(FILE_B), 1);
	put_policy(files_and_net);
	assert_int_not_equal(kt_stockade(reload, err, sizeof(err)), 0);
	if (!strstr(err, "network rules need a cgroup v2 mount and this host has none"))
		fail_msg("unexpected message: %s", err);
	/* The old policy stays in force, whole. */
	assert_int_equal(probe_open(FILE_B), 1);
	assert_int_equal(kt_agent_stop(&a), 0);
	back_to_cgroup2();
}

/*
 * Pins left without network programs (made while there was no cgroup v2
 * mount, or by an older agent) are not adopted as they are: the next agent
 * replaces them, so a reload can add network rules again.
 */
static void pins_without_network_programs_are_replaced(void **state)
{
	static const char *const unload[] = { "stockade", "unload", NULL };
	static const char *const persist[] = { "--persist", NULL };
	int tcp = listen_local(SOCK_STREAM, PORT_C);
	struct ktest_agent a;
	char err[4096];

	(void)state;
	put_policy(files_only);
	leave_cgroup2();
	kt_agent_start(&a, POLICY, persist);
	assert_int_equal(kt_agent_stop(&a), 0);
	back_to_cgroup2();
	/* Left pinned: the file rule, and no network program. */
	assert_false(status_has_link("stk_connect4"));
	assert_int_equal(probe_open(FILE_B), 1);

	kt_agent_start(&a, POLICY, NULL);
	if (!kt_file_has(a.stderr_path, "have no network programs"))
		fail_msg("the pins were not replaced (see %s)", a.stderr_path);
	assert_true(status_has_link("stk_connect4"));
	assert_int_equal(probe_open(FILE_B), 1);
	reload_to(files_and_net);
	expect_connect_denied(&a, "nr-tcp-replaced");
	assert_int_equal(kt_agent_stop(&a), 0);
	kt_stockade(unload, err, sizeof(err));
	close(tcp);
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
		cmocka_unit_test_setup_teardown(reload_adds_network_rules_to_a_policy_without_them,
						setup, teardown),
		cmocka_unit_test_setup_teardown(without_cgroup2_network_rules_are_refused, setup,
						teardown_ns),
		cmocka_unit_test_setup_teardown(pins_without_network_programs_are_replaced, setup,
						teardown_ns),
		cmocka_unit_test_setup_teardown(reload_removes_and_restores_network_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reload_too_big_for_the_network_maps_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(reloads_switch_network_and_file_rules_together,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("net_reload", tests, NULL, NULL);
}
