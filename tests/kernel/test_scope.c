// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_scope.c - scoped policies end to end on the real kernel: two
 * "containers" (cgroups this test makes under the cgroup2 mount) with
 * policies of their own plus a host policy; file and exec rules enforced
 * and network rules enforced in the right cgroups only, descendants covered, the nearer ancestor's
 * scope winning, a cgroup made after the agent started covered at once, a
 * process moved between cgroups judged by its new place at once, events
 * naming the cgroup path, and reloads that change globs or add and remove
 * scoped policies switching whole generations at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-scope"
#define HELPER "/usr/local/bin/stk-helper-true"
#define CG "/kt-scope" /* every cgroup of the test is below this one */
#define PORT_WEB 30901  /* web's network rules deny connecting to it */
#define PORT_HOST 30902 /* the host's */

/* Made before the agent starts. */
static const char *const cgroups[] = {
	CG, CG "/web-1", CG "/web-1/sub", CG "/web-1/sub/deeper", CG "/web-1/nested-db",
	CG "/db", CG "/other",
};

static void write_policies(void)
{
	kt_mkdirs(DIR "/policies");
	kt_write(DIR "/policies/10-host.json",
		 "{ \"stockade\": 1, \"name\": \"host\",\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"host-secret\", \"paths\": [\"" DIR
		 "/host-secret\"], \"access\": [\"read\"], \"action\": \"deny\" } ] },\n"
		 "  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [ { \"id\": "
		 "\"host-port\", \"ports\": [\"30902\"], \"action\": \"deny\" } ] } } }\n");
	kt_write(DIR "/policies/20-web.json",
		 "{ \"stockade\": 1, \"name\": \"web\",\n"
		 "  \"scope\": { \"cgroups\": [\"" CG "/web-*\"] },\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"web-secret\", \"paths\": [\"" DIR
		 "/web-secret\"], \"access\": [\"read\"], \"action\": \"deny\" } ] },\n"
		 "  \"exec\": { \"rules\": [ { \"id\": \"web-bin\", \"paths\": [\"" DIR
		 "/web-bin\"], \"action\": \"deny\" } ] },\n"
		 "  \"network\": { \"connect\": { \"default\": \"allow\", \"rules\": [ { \"id\": "
		 "\"web-port\", \"ports\": [\"30901\"], \"protocols\": [\"tcp\"], "
		 "\"action\": \"deny\" }, { \"id\": \"web-no-ping\", \"cidrs\": [\"127.0.0.2\"], "
		 "\"protocols\": [\"other\"], \"action\": \"deny\" } ] } } }\n");
	kt_write(DIR "/policies/30-db.json",
		 "{ \"stockade\": 1, \"name\": \"db\",\n"
		 "  \"scope\": { \"cgroups\": [\"" CG "/db\", \"" CG "/**/nested-db\"] },\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"db-secret\", \"paths\": [\"" DIR
		 "/db-secret\"], \"access\": [\"read\"], \"action\": \"deny\" } ] } }\n");
}

static void copy_helper(const char *dst)
{
	char buf[65536];
	int in = open(HELPER, O_RDONLY), out;
	ssize_t n;

	assert_true(in >= 0);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, n), n);
	close(in);
	close(out);
}
/* Moves process @pid (0: the caller) into cgroup @cg; returns 0 or an errno. */
struct probe {
	const char *cg;
	const char *path;
	bool exec; /* exec @path instead of opening it */
	int port;  /* connect to 127.0.0.1:port (TCP) instead */
	bool ping; /* send an ICMP echo request to 127.0.0.2 instead */
};

static int connect_to(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno;
	close(fd);
	return err;
}

/* An ICMP ping socket's echo request to 127.0.0.2: 0 or the errno of the send. */
static int ping_2(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned char echo[16] = { 8 }; /* echo request */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP), err = 0;

	if (fd < 0)
		return errno;
	inet_pton(AF_INET, "127.0.0.2", &sin.sin_addr);
	if (sendto(fd, echo, sizeof(echo), 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* In a child: enter the cgroup, then at once open or exec; returns the errno. */
static int probe_child(void *arg)
{
	const struct probe *p = arg;
	char *argv[] = { (char *)p->path, NULL };
	int fd, err = kt_cg_enter(p->cg, 0);

	if (err)
		return 100 + err; /* not a verdict: the test fails on it */
	if (p->port)
		return connect_to(p->port);
	if (p->ping)
		return ping_2();
	if (p->exec) {
		execv(p->path, argv);
		return errno;
	}
	fd = open(p->path, O_RDONLY);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int probe(const char *cg, const char *path)
{
	struct probe p = { cg, path, false, 0, false };
	int r = kt_in_child(probe_child, &p);

	if (r >= 100)
		fail_msg("entering cgroup %s failed: %s", cg, strerror(r - 100));
	return r;
}

static int probe_exec(const char *cg, const char *path)
{
	struct probe p = { cg, path, true, 0, false };
	int r = kt_in_child(probe_child, &p);

	if (r >= 100)
		fail_msg("entering cgroup %s failed: %s", cg, strerror(r - 100));
	return r;
}

static int probe_ping(const char *cg)
{
	struct probe p = { cg, NULL, false, 0, true };
	int r = kt_in_child(probe_child, &p);

	if (r >= 100)
		fail_msg("entering cgroup %s failed: %s", cg, strerror(r - 100));
	return r;
}

static int probe_connect(const char *cg, int port)
{
	struct probe p = { cg, NULL, false, port, false };
	int r = kt_in_child(probe_child, &p);

	if (r >= 100)
		fail_msg("entering cgroup %s failed: %s", cg, strerror(r - 100));
	return r;
}

/* Listeners on both ports, so an allowed connect succeeds (0), not ECONNREFUSED. */
static int listeners[2] = { -1, -1 };

static void listen_on(int i, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1;

	listeners[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(listeners[i] >= 0);
	setsockopt(listeners[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listeners[i], (struct sockaddr *)&sin, sizeof(sin)) || listen(listeners[i], 64))
		fail_msg("listening on %d: %s", port, strerror(errno));
}

static int setup(void **state)
{
	size_t i;

	(void)state;
	if (!kt_cg_present())
		return -1;
	kt_rm(DIR);
	kt_mkdirs(DIR);
	kt_write(DIR "/host-secret", "h\n");
	kt_write(DIR "/web-secret", "w\n");
	kt_write(DIR "/db-secret", "d\n");
	copy_helper(DIR "/web-bin");
	write_policies();
	kt_cg_rmtree(CG);
	for (i = 0; i < sizeof(cgroups) / sizeof(cgroups[0]); i++)
		kt_cg_mkdir(cgroups[i]);
	listen_on(0, PORT_WEB);
	listen_on(1, PORT_HOST);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	for (int i = 0; i < 2; i++) {
		if (listeners[i] >= 0)
			close(listeners[i]);
		listeners[i] = -1;
	}
	kt_cg_rmtree(CG);
	kt_rm(DIR);
	return 0;
}

static void start(struct ktest_agent *a)
{
	kt_agent_start(a, DIR "/policies", NULL);
}

static void expect_event(const struct ktest_agent *a, const char *path, const char *policy,
			 const char *rule, const char *cgroup)
{
	struct json_object *ev = kt_wait_event(a, path);

	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_string_equal(kt_str(ev, "policy"), policy);
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "cgroup"), cgroup);
	json_object_put(ev);
}

static void each_scope_in_its_cgroups_only(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	/* web-1: the host's rules and web's, not db's. */
	assert_int_equal(probe(CG "/web-1", DIR "/web-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1", DIR "/host-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1", DIR "/db-secret"), 0);
	assert_int_equal(probe_exec(CG "/web-1", DIR "/web-bin"), EPERM);
	assert_int_equal(probe_connect(CG "/web-1", PORT_WEB), EPERM);
	assert_int_equal(probe_connect(CG "/web-1", PORT_HOST), EPERM);
	/* A packet is judged by the scope of its socket's cgroup. */
	assert_int_equal(probe_ping(CG "/web-1"), EPERM);
	assert_int_equal(probe_ping(CG "/web-1/sub/deeper"), EPERM);
	assert_int_equal(probe_ping(CG "/db"), 0);
	assert_int_equal(probe_ping(CG "/other"), 0);
	expect_event(&a, DIR "/web-secret", "web", "web-secret", CG "/web-1");
	expect_event(&a, DIR "/web-bin", "web", "web-bin", CG "/web-1");
	/* Descendants of a matching cgroup are in its scope. */
	assert_int_equal(probe(CG "/web-1/sub/deeper", DIR "/web-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1/sub/deeper", DIR "/db-secret"), 0);
	/* db: the host's and db's. */
	assert_int_equal(probe(CG "/db", DIR "/db-secret"), EPERM);
	assert_int_equal(probe(CG "/db", DIR "/web-secret"), 0);
	assert_int_equal(probe(CG "/db", DIR "/host-secret"), EPERM);
	assert_int_equal(probe_exec(CG "/db", DIR "/web-bin"), 0);
	assert_int_equal(probe_connect(CG "/db", PORT_WEB), 0);
	assert_int_equal(probe_connect(CG "/db", PORT_HOST), EPERM);
	expect_event(&a, DIR "/db-secret", "db", "db-secret", CG "/db");
	/* Inside web-1 but matching db's glob itself: the nearer ancestor (itself) wins. */
	assert_int_equal(probe(CG "/web-1/nested-db", DIR "/db-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1/nested-db", DIR "/web-secret"), 0);
	assert_int_equal(probe(CG "/web-1/nested-db", DIR "/host-secret"), EPERM);
	/* Neither: the host policy alone. */
	assert_int_equal(probe(CG "/other", DIR "/host-secret"), EPERM);
	assert_int_equal(probe(CG "/other", DIR "/web-secret"), 0);
	assert_int_equal(probe(CG "/other", DIR "/db-secret"), 0);
	assert_int_equal(probe_exec(CG "/other", DIR "/web-bin"), 0);
	assert_int_equal(probe_connect(CG "/other", PORT_WEB), 0);
	assert_int_equal(probe_connect(CG "/other", PORT_HOST), EPERM);
	assert_int_equal(probe_connect(CG "/web-1/sub/deeper", PORT_WEB), EPERM);
	assert_int_equal(probe(CG, DIR "/web-secret"), 0);
	expect_event(&a, DIR "/host-secret", "host", "host-secret", CG "/web-1");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void new_cgroup_is_covered_at_once(void **state)
{
	struct ktest_agent a;

	(void)state;
	start(&a);
	/* Made after the agent started: the kernel gives them their scope in mkdir(2). */
	kt_cg_mkdir(CG "/web-new");
	assert_int_equal(probe(CG "/web-new", DIR "/web-secret"), EPERM);
	assert_int_equal(probe_exec(CG "/web-new", DIR "/web-bin"), EPERM);
	assert_int_equal(probe(CG "/web-new", DIR "/db-secret"), 0);
	assert_int_equal(probe_connect(CG "/web-new", PORT_WEB), EPERM);
	expect_event(&a, DIR "/web-secret", "web", "web-secret", CG "/web-new");
	/* New levels below it inherit; a new "**" match several levels down wins. */
	kt_cg_mkdir(CG "/web-new/a");
	kt_cg_mkdir(CG "/web-new/a/b");
	assert_int_equal(probe(CG "/web-new/a/b", DIR "/web-secret"), EPERM);
	kt_cg_mkdir(CG "/web-new/a/b/nested-db");
	assert_int_equal(probe(CG "/web-new/a/b/nested-db", DIR "/db-secret"), EPERM);
	assert_int_equal(probe(CG "/web-new/a/b/nested-db", DIR "/web-secret"), 0);
	kt_cg_mkdir(CG "/plain");
	kt_cg_mkdir(CG "/plain/x");
	kt_cg_mkdir(CG "/plain/x/nested-db");
	assert_int_equal(probe(CG "/plain/x", DIR "/db-secret"), 0);
	assert_int_equal(probe(CG "/plain/x/nested-db", DIR "/db-secret"), EPERM);
	/* Removed and made again: a new cgroup (a new id), judged again. */
	kt_cg_rmtree(CG "/plain");
	kt_cg_mkdir(CG "/plain");
	assert_int_equal(probe(CG "/plain", DIR "/db-secret"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* A process that opens @path each time it is told to, from wherever it is. */
struct mover {
	pid_t pid;
	int cmd;   /* write a byte: open once */
	int reply; /* read an int: the errno */
};

static void mover_start(struct mover *m, const char *path)
{
	int to[2], from[2];
	char c;

	assert_int_equal(pipe(to), 0);
	assert_int_equal(pipe(from), 0);
	m->pid = fork();
	assert_true(m->pid >= 0);
	if (m->pid == 0) {
		close(to[1]);
		close(from[0]);
		while (read(to[0], &c, 1) == 1) {
			int fd = open(path, O_RDONLY), err = fd < 0 ? errno : 0;

			if (fd >= 0)
				close(fd);
			if (write(from[1], &err, sizeof(err)) != sizeof(err))
				_exit(1);
		}
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	m->cmd = to[1];
	m->reply = from[0];
}

static int mover_open(struct mover *m)
{
	int err = -1;

	assert_int_equal(write(m->cmd, "o", 1), 1);
	assert_int_equal(read(m->reply, &err, sizeof(err)), sizeof(err));
	return err;
}

static void mover_stop(struct mover *m)
{
	int st;

	close(m->cmd);
	close(m->reply);
	assert_int_equal(waitpid(m->pid, &st, 0), m->pid);
}

static void moved_process_gets_the_new_verdict(void **state)
{
	struct ktest_agent a;
	struct mover m;

	(void)state;
	start(&a);
	mover_start(&m, DIR "/web-secret");
	/* Moved by another process (this one), between two opens of its own. */
	assert_int_equal(kt_cg_enter(CG "/other", m.pid), 0);
	assert_int_equal(mover_open(&m), 0);
	assert_int_equal(kt_cg_enter(CG "/web-1", m.pid), 0);
	assert_int_equal(mover_open(&m), EPERM);
	assert_int_equal(kt_cg_enter(CG "/db", m.pid), 0);
	assert_int_equal(mover_open(&m), 0);
	assert_int_equal(kt_cg_enter(CG "/web-1/sub/deeper", m.pid), 0);
	assert_int_equal(mover_open(&m), EPERM);
	assert_int_equal(kt_cg_enter("", m.pid), 0); /* back to the root cgroup */
	assert_int_equal(mover_open(&m), 0);
	mover_stop(&m);
	expect_event(&a, DIR "/web-secret", "web", "web-secret", CG "/web-1");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void put_web_reload_policy(const char *glob, const char *denied)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"web\",\n"
		 "  \"scope\": { \"cgroups\": [\"%s\"] },\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"r\", \"paths\": [\"%s\"], "
		 "\"access\": [\"read\"], \"action\": \"deny\" } ] } }\n",
		 glob, denied);
	kt_write(DIR "/reload/20-web.json.tmp", text);
	assert_int_equal(rename(DIR "/reload/20-web.json.tmp", DIR "/reload/20-web.json"), 0);
}

static void reload_switches_the_rules_of_scopes(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct ktest_agent a;
	char err[4096];

	(void)state;
	/* No network rules here: reload refuses those. */
	kt_mkdirs(DIR "/reload");
	kt_write(DIR "/reload/10-host.json",
		 "{ \"stockade\": 1, \"name\": \"host\",\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"host-secret\", \"paths\": [\"" DIR
		 "/host-secret\"], \"access\": [\"read\"], \"action\": \"deny\" } ] } }\n");
	put_web_reload_policy(CG "/web-*", DIR "/web-secret");
	kt_agent_start(&a, DIR "/reload", NULL);
	assert_int_equal(probe(CG "/web-1", DIR "/web-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1", DIR "/db-secret"), 0);

	/* Same glob, other rules: switched at once, for existing cgroups and new ones. */
	put_web_reload_policy(CG "/web-*", DIR "/db-secret");
	assert_int_equal(kt_stockade(reload, err, sizeof(err)), 0);
	assert_int_equal(probe(CG "/web-1", DIR "/web-secret"), 0);
	assert_int_equal(probe(CG "/web-1", DIR "/db-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1", DIR "/host-secret"), EPERM);
	assert_int_equal(probe(CG "/other", DIR "/db-secret"), 0);
	kt_cg_mkdir(CG "/web-after-reload");
	assert_int_equal(probe(CG "/web-after-reload", DIR "/db-secret"), EPERM);

	/*
	 * Another glob: /other is web's now, /web-1 the host's, at once; a
	 * cgroup made afterwards follows the new glob too.
	 */
	put_web_reload_policy(CG "/other", DIR "/web-secret");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload with another glob failed: %s", err);
	assert_int_equal(probe(CG "/other", DIR "/web-secret"), EPERM);
	assert_int_equal(probe(CG "/web-1", DIR "/web-secret"), 0);
	assert_int_equal(probe(CG "/web-1", DIR "/db-secret"), 0);
	assert_int_equal(probe(CG "/web-1", DIR "/host-secret"), EPERM);
	assert_int_equal(probe(CG "/web-after-reload", DIR "/db-secret"), 0);
	kt_cg_mkdir(CG "/other/child");
	assert_int_equal(probe(CG "/other/child", DIR "/web-secret"), EPERM);
	kt_cg_mkdir(CG "/web-2");
	assert_int_equal(probe(CG "/web-2", DIR "/web-secret"), 0);
	/* And back: the slot of the first generation is reused with fresh globs. */
	put_web_reload_policy(CG "/web-*", DIR "/web-secret");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload back to the first glob failed: %s", err);
	assert_int_equal(probe(CG "/web-2", DIR "/web-secret"), EPERM);
	assert_int_equal(probe(CG "/other/child", DIR "/web-secret"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void put_db_policy(void)
{
	kt_write(DIR "/reload/30-db.json.tmp",
		 "{ \"stockade\": 1, \"name\": \"db\",\n"
		 "  \"scope\": { \"cgroups\": [\"" CG "/db\"] },\n"
		 "  \"files\": { \"default\": \"deny\", \"rules\": [ { \"id\": \"db-secret\", "
		 "\"paths\": [\"" DIR "/db-secret\"], \"access\": [\"read\"], "
		 "\"action\": \"deny\" } ] } }\n");
	assert_int_equal(rename(DIR "/reload/30-db.json.tmp", DIR "/reload/30-db.json"), 0);
}

/* From only host policies (no cgroup has an entry) to a scoped one and back. */
static void reload_adds_and_removes_a_scoped_policy(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct ktest_agent a;
	char err[4096];
	int i;

	(void)state;
	kt_mkdirs(DIR "/reload");
	kt_write(DIR "/reload/10-host.json",
		 "{ \"stockade\": 1, \"name\": \"host\",\n"
		 "  \"files\": { \"rules\": [ { \"id\": \"host-secret\", \"paths\": [\"" DIR
		 "/host-secret\"], \"access\": [\"read\"], \"action\": \"deny\" } ] } }\n");
	kt_agent_start(&a, DIR "/reload", NULL);
	assert_int_equal(probe(CG "/db", DIR "/db-secret"), 0);

	put_db_policy();
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload adding a scoped policy failed: %s", err);
	assert_int_equal(probe(CG "/db", DIR "/db-secret"), EPERM);
	assert_int_equal(probe(CG "/db", DIR "/host-secret"), EPERM);
	assert_int_equal(probe(CG "/other", DIR "/db-secret"), 0);
	kt_cg_mkdir(CG "/db/inner");
	assert_int_equal(probe(CG "/db/inner", DIR "/db-secret"), EPERM);
	expect_event(&a, DIR "/db-secret", "db", "db-secret", CG "/db");

	/* Removed: the host's everywhere again, the cgroup made meanwhile too. */
	kt_rm(DIR "/reload/30-db.json");
	if (kt_stockade(reload, err, sizeof(err)))
		fail_msg("reload removing a scoped policy failed: %s", err);
	assert_int_equal(probe(CG "/db", DIR "/db-secret"), 0);
	assert_int_equal(probe(CG "/db/inner", DIR "/db-secret"), 0);
	assert_int_equal(probe(CG "/db", DIR "/host-secret"), EPERM);

	/*
	 * Without scopes again: the db generation's cgroup entries and its
	 * "default": "deny" stay in their slot, which this reload fills with
	 * no scope at all. They must not be read.
	 */
	for (i = 0; i < 2; i++) {
		if (kt_stockade(reload, err, sizeof(err)))
			fail_msg("reload %d without scopes failed: %s", i, err);
		assert_int_equal(probe(CG "/db", DIR "/db-secret"), 0);
		assert_int_equal(probe(CG "/db/inner", DIR "/db-secret"), 0);
		assert_int_equal(probe(CG "/db", DIR "/host-secret"), EPERM);
	}
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * Two scoped policies whose globs and rules trade places between the two
 * generations, so their scope numbers trade places too: the verdict in
 * each cgroup stays the same, and only a hook that took the scope from
 * one generation and the rules from the other could see another one.
 */
static void put_swapping_policies(int gen)
{
	static const char *const fmt =
		"{ \"stockade\": 1, \"name\": \"%s\",\n"
		"  \"scope\": { \"cgroups\": [\"%s\"] },\n"
		"  \"files\": { \"rules\": [ { \"id\": \"r\", \"paths\": [\"%s\"], "
		"\"access\": [\"read\"], \"action\": \"deny\" } ] } }\n";
	char web[1024], other[1024];

	snprintf(web, sizeof(web), fmt, "web", CG "/web-*", DIR "/web-secret");
	snprintf(other, sizeof(other), fmt, "other", CG "/other", DIR "/db-secret");
	kt_write(DIR "/reload/20-s.json", gen ? other : web);
	kt_write(DIR "/reload/30-s.json", gen ? web : other);
}

struct prober_counts {
	long runs;
	long wrong;
};

/* In @cg, opens @denied (must fail with EPERM) and @allowed (must open) until killed. */
static void prober(const char *cg, const char *denied, const char *allowed,
		   struct prober_counts *n)
{
	int fd;

	if (kt_cg_enter(cg, 0))
		_exit(2);
	for (;;) {
		fd = open(denied, O_RDONLY);
		if (fd >= 0 || errno != EPERM)
			__atomic_add_fetch(&n->wrong, 1, __ATOMIC_RELAXED);
		if (fd >= 0)
			close(fd);
		fd = open(allowed, O_RDONLY);
		if (fd < 0)
			__atomic_add_fetch(&n->wrong, 1, __ATOMIC_RELAXED);
		else
			close(fd);
		__atomic_add_fetch(&n->runs, 1, __ATOMIC_RELAXED);
	}
}

static void probers_see_whole_generations(void **state)
{
	static const char *const reload[] = { "stockade", "reload", NULL };
	struct prober_counts *n;
	struct ktest_agent a;
	pid_t pid[2];
	char err[4096];
	long long deadline;
	long before[2];
	int i, st, reloads = kt_repeats(50);

	(void)state;
	n = mmap(NULL, 2 * sizeof(*n), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(n != MAP_FAILED);
	memset(n, 0, 2 * sizeof(*n));
	kt_mkdirs(DIR "/reload");
	put_swapping_policies(0);
	/* Verdicts are what this test checks: millions of denials need no log. */
	kt_agent_start(&a, DIR "/reload", (const char *const[]){ "--audit-log", "none", NULL });
	pid[0] = fork();
	assert_true(pid[0] >= 0);
	if (pid[0] == 0)
		prober(CG "/web-1", DIR "/web-secret", DIR "/db-secret", &n[0]);
	kt_track_child(pid[0]);
	pid[1] = fork();
	assert_true(pid[1] >= 0);
	if (pid[1] == 0)
		prober(CG "/other", DIR "/db-secret", DIR "/web-secret", &n[1]);
	kt_track_child(pid[1]);
	for (i = 0; i < reloads; i++) {
		before[0] = __atomic_load_n(&n[0].runs, __ATOMIC_RELAXED);
		before[1] = __atomic_load_n(&n[1].runs, __ATOMIC_RELAXED);
		put_swapping_policies((i + 1) % 2);
		if (kt_stockade(reload, err, sizeof(err)))
			fail_msg("reload %d failed: %s", i, err);
		/* Both probers ran during this reload or since (a slow VM may starve them). */
		deadline = kt_now_ms() + 60000;
		while (__atomic_load_n(&n[0].runs, __ATOMIC_RELAXED) == before[0] ||
		       __atomic_load_n(&n[1].runs, __ATOMIC_RELAXED) == before[1]) {
			if (kt_now_ms() > deadline)
				fail_msg("the probers stopped probing (reload %d)", i);
			usleep(1000);
		}
	}
	kill(pid[0], SIGKILL);
	kill(pid[1], SIGKILL);
	assert_int_equal(waitpid(pid[0], &st, 0), pid[0]);
	kt_untrack_child(pid[0]);
	assert_true(WIFSIGNALED(st)); /* not exited: it entered its cgroup */
	assert_int_equal(waitpid(pid[1], &st, 0), pid[1]);
	kt_untrack_child(pid[1]);
	assert_true(WIFSIGNALED(st));
	fprintf(stderr, "probes during %d reloads: %ld and %ld, wrong %ld and %ld\n", reloads,
		n[0].runs, n[1].runs, n[0].wrong, n[1].wrong);
	assert_int_equal(n[0].wrong, 0);
	assert_int_equal(n[1].wrong, 0);
	assert_true(n[0].runs >= reloads && n[1].runs >= reloads);
	munmap(n, 2 * sizeof(*n));
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_scope_in_its_cgroups_only, setup, teardown),
		cmocka_unit_test_setup_teardown(new_cgroup_is_covered_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_process_gets_the_new_verdict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reload_switches_the_rules_of_scopes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reload_adds_and_removes_a_scoped_policy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(probers_see_whole_generations, setup, teardown),
	};

	return cmocka_run_group_tests_name("scope", tests, NULL, NULL);
}
