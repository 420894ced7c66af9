// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_net.c - network rules natively on this host's kernel (cgroup BPF runs
 * here, BPF LSM does not): a policy compiled by the real policy code, the
 * agent's loader (agent/cgroup_sock.c), attached to a child cgroup this test
 * creates and removes, real TCP and UDP clients on loopback inside it, and
 * the events from the ring buffer. Prints TAP.
 *
 * Safety: programs attach only to <cgroup2 mount>/stockade-test-<pid>; they
 * are detached and the cgroup removed on every exit path (signals included).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <poll.h>
#include <netinet/ip.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cgroup_path.h"
#include "cgroup_sock.h"
#include "generation.h"
#include "event_format.h"
#include "network.h"
#include "policy.h"

#define PLAN 90
#define MAX_EVENTS 256

static char cg_dir[4096];
static struct stk_cgroup_sock *sock_set;
static struct ring_buffer *rb;
static struct stk_event_net events[MAX_EVENTS];
static int n_events;
static int test_no, failures;

static void cleanup(void)
{
	ring_buffer__free(rb);
	rb = NULL;
	stk_cgroup_sock_destroy(sock_set); /* detaches: the links go with it */
	sock_set = NULL;
	/* A child still running in the cgroup (a signal came mid-test) makes it busy a moment. */
	if (cg_dir[0] && stk_cgroup_remove(cg_dir))
		fprintf(stderr, "# could not remove %s\n", cg_dir);
	cg_dir[0] = '\0';
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		failures++;
}

static void bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	cleanup();
	exit(1);
}

/* A socket address from text; IPv6 when @s has a ':'. */
static socklen_t sa_make(struct sockaddr_storage *ss, const char *s, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(s, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, s, &a->sin6_addr);
		return sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, s, &a->sin_addr);
		return sizeof(*a);
	}
}

/* OP_MPTCP_*: on an IPPROTO_MPTCP socket; OP_FASTOPEN: sendto() with MSG_FASTOPEN. */
enum op { OP_CONNECT, OP_SENDTO, OP_BIND, OP_MPTCP_CONNECT, OP_MPTCP_BIND, OP_FASTOPEN };

/* Does @op from the current process; returns 0 or the errno it failed with. */
static int do_op(enum op op, int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_make(&ss, addr, port);
	bool mptcp = op == OP_MPTCP_CONNECT || op == OP_MPTCP_BIND;
	int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, mptcp ? IPPROTO_MPTCP : 0), r, one = 1;

	if (fd < 0)
		return errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (op == OP_CONNECT || op == OP_MPTCP_CONNECT)
		r = connect(fd, (struct sockaddr *)&ss, len);
	else if (op == OP_SENDTO || op == OP_FASTOPEN)
		r = sendto(fd, "x", 1, op == OP_FASTOPEN ? MSG_FASTOPEN : 0, (struct sockaddr *)&ss,
			   len) == 1 ? 0 : -1;
	else
		r = bind(fd, (struct sockaddr *)&ss, len);
	r = r ? errno : 0;
	close(fd);
	return r;
}

/* A network namespace of the child's own with loopback up and ping sockets for root. */
static int own_netns(void)
{
	struct ifreq ifr = { .ifr_flags = IFF_UP | IFF_RUNNING };
	int fd, r;
	FILE *f;

	if (unshare(CLONE_NEWNET))
		return -1;
	strcpy(ifr.ifr_name, "lo");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	r = fd < 0 ? -1 : ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (fd >= 0)
		close(fd);
	f = fopen("/proc/sys/net/ipv4/ping_group_range", "w");
	if (!f || fprintf(f, "0 0\n") < 0 || fclose(f))
		return -1;
	return r;
}

/*
 * Forks a child that joins the test cgroup and, with @netns, a network
 * namespace of its own: 0 in the child, the child's pid in the parent.
 */
static pid_t fork_inside(bool netns)
{
	char procs[4200];
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_dir);
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0) {
		FILE *f = fopen(procs, "w");

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) || (netns && own_netns()))
			_exit(200);
	}
	return pid;
}

/* The exit status of fork_inside()'s child @pid. */
static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		bail("child did not exit");
	if (WEXITSTATUS(st) == 200)
		bail("could not move a child into %s (or a network namespace)", cg_dir);
	return WEXITSTATUS(st);
}

/* Runs do_op() in a child in the test cgroup. */
static int op_inside(enum op op, int type, const char *addr, int port, pid_t *ret_pid)
{
	pid_t pid = fork_inside(false);

	if (pid == 0)
		_exit(do_op(op, type, addr, port));
	if (ret_pid)
		*ret_pid = pid;
	return child_status(pid);
}

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size >= sizeof(struct stk_event_net) &&
	    ((struct stk_event_hdr *)data)->type == STK_EV_NET && n_events < MAX_EVENTS)
		memcpy(&events[n_events++], data, sizeof(struct stk_event_net));
	return 0;
}

/* The event of process @pid, after draining the ring buffer; NULL if none. */
static const struct stk_event_net *event_of(pid_t pid)
{
	int i;

	ring_buffer__consume(rb);
	for (i = 0; i < n_events; i++)
		if ((pid_t)events[i].hdr.pid == pid)
			return &events[i];
	return NULL;
}

/* Listeners (outside the cgroup) so that a refused connect can only be the policy. */
static int listen_on(int type, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_ANY_INIT };
	int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0), zero = 0, one = 1;

	if (fd < 0)
		bail("socket: %s", strerror(errno));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(fd, 64)))
		bail("listening on port %d: %s", port, strerror(errno));
	return fd;
}

static struct stk_compiled *compile_text(const char *text, struct stk_policy **ret_pol)
{
	struct stk_diags d = { 0 };
	struct stk_policy *p = NULL;
	struct stk_compiled *c = NULL;

	if (stk_policy_parse("test.json", text, strlen(text), &p, &d) ||
	    stk_compile(&p, 1, &c, &d)) {
		stk_diags_print(&d, stderr);
		bail("the test policy does not compile");
	}
	stk_diags_free(&d);
	*ret_pol = p;
	return c;
}

static const char *rule_id(const struct stk_compiled *c, uint32_t rule)
{
	/* The agent tags rules with their generation (agent/net_gen.c): as the reader, untag. */
	if (rule != STK_RULE_NONE)
		rule &= STK_GEN_RULE_MASK;
	return rule < c->n_rules ? c->rules[rule].id : "(none)";
}

static void load_attach(const struct stk_compiled *c)
{
	struct stk_shared_maps shared = STK_SHARED_MAPS_INIT;
	char why[512];

	if (stk_cgroup_sock_load(&sock_set, c->net, &shared, 1 << 20, why, sizeof(why)))
		bail("load: %s", why);
	if (stk_cgroup_sock_attach(sock_set, cg_dir, why, sizeof(why)))
		bail("attach: %s", why);
	rb = ring_buffer__new(shared.events_fd, on_event, NULL, NULL);
	if (!rb)
		bail("ring buffer: %s", strerror(errno));
}

/* Detaches and frees what load_attach() set up, and the policy. */
static void unload(struct stk_compiled *c, struct stk_policy *pol)
{
	ring_buffer__free(rb);
	rb = NULL;
	stk_cgroup_sock_destroy(sock_set);
	sock_set = NULL;
	stk_compiled_free(c);
	stk_policy_free(pol);
}

static void check_event(const struct stk_compiled *c, pid_t pid, uint32_t hook, uint32_t dir,
			const char *addr, int port, int proto, const char *rule, const char *what)
{
	const struct stk_event_net *ev = event_of(pid);
	char a[INET6_ADDRSTRLEN] = "";
	struct stat st;

	if (ev)
		inet_ntop(ev->family == 2 ? AF_INET : AF_INET6, ev->address, a, sizeof(a));
	stat(cg_dir, &st);
	ok(ev && ev->hdr.hook == hook && ev->direction == dir && !strcmp(a, addr) &&
		   ev->port == (uint32_t)port && ev->protocol == (uint32_t)proto &&
		   (ev->hdr.action & STK_ACT_MASK) == STK_ACT_DENY && ev->hdr.enforced &&
		   !strcmp(rule_id(c, ev->hdr.rule), rule) && ev->hdr.cgroup_id == st.st_ino,
	   "%s: event hook %s direction %u address %s port %u protocol %u rule %s", what,
	   ev ? stk_hook_name(ev->hdr.hook) : "-", ev ? ev->direction : 0, a,
	   ev ? ev->port : 0, ev ? ev->protocol : 0, ev ? rule_id(c, ev->hdr.rule) : "-");
}

/* TCP @op to @addr:@port in the test cgroup fails with EPERM, and its event names @rule. */
static void denied_and_logged(const struct stk_compiled *c, enum op op, const char *addr,
			      int port, uint32_t hook, uint32_t dir, const char *rule,
			      const char *what)
{
	pid_t pid;
	int r = op_inside(op, SOCK_STREAM, addr, port, &pid);

	ok(r == EPERM, "%s %s:%d fails with EPERM (got %s)", what, addr, port, strerror(r));
	check_event(c, pid, hook, dir, addr, port, IPPROTO_TCP, rule, what);
}

static void policy_tests(int p_ok, int p_deny, int p_bind, int u_ok, int u_deny)
{
	struct stk_policy *pol;
	struct stk_compiled *c;
	char text[4096];
	pid_t pid;
	int r;

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"hosttest\", \"network\": {\n"
		 "  \"connect\": { \"default\": \"deny\", \"rules\": [\n"
		 "    { \"id\": \"tcp-ok\", \"cidrs\": [\"127.0.0.0/8\", \"::1/128\"], \"ports\": [\"%d\"],"
		 " \"protocols\": [\"tcp\"], \"action\": \"allow\" },\n"
		 "    { \"id\": \"not-127-0-0-2\", \"cidrs\": [\"127.0.0.2/32\"], \"ports\": [\"%d\"],"
		 " \"action\": \"deny\" },\n"
		 "    { \"id\": \"udp-ok\", \"cidrs\": [\"127.0.0.1\", \"::1\"], \"ports\": [\"%d\"],"
		 " \"protocols\": [\"udp\"], \"action\": \"allow\" } ] },\n"
		 "  \"bind\": { \"default\": \"allow\", \"rules\": [\n"
		 "    { \"id\": \"no-low-ports\", \"ports\": [\"1-1023\"], \"action\": \"deny\" },\n"
		 "    { \"id\": \"no-this-port\", \"ports\": [\"%d\"], \"action\": \"deny\" } ] } } }\n",
		 p_ok, p_ok, u_ok, p_bind);
	c = compile_text(text, &pol);
	load_attach(c);

	/* TCP connect */
	ok(op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_ok, NULL) == 0,
	   "tcp connect 127.0.0.1:%d (allowed) succeeds", p_ok);
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_deny, &pid);
	ok(r == EPERM, "tcp connect 127.0.0.1:%d (default deny) fails with EPERM (got %s)", p_deny,
	   strerror(r));
	check_event(c, pid, STK_HOOK_CONNECT4, STK_NET_CONNECT, "127.0.0.1", p_deny, IPPROTO_TCP,
		    "default", "tcp connect v4");
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.2", p_ok, &pid);
	ok(r == EPERM, "tcp connect 127.0.0.2:%d: the longer prefix (deny) wins (got %s)", p_ok,
	   strerror(r));
	check_event(c, pid, STK_HOOK_CONNECT4, STK_NET_CONNECT, "127.0.0.2", p_ok, IPPROTO_TCP,
		    "not-127-0-0-2", "longest prefix");
	ok(op_inside(OP_CONNECT, SOCK_STREAM, "::1", p_ok, NULL) == 0,
	   "tcp connect [::1]:%d (allowed) succeeds", p_ok);
	r = op_inside(OP_CONNECT, SOCK_STREAM, "::1", p_deny, &pid);
	ok(r == EPERM, "tcp connect [::1]:%d fails with EPERM (got %s)", p_deny, strerror(r));
	check_event(c, pid, STK_HOOK_CONNECT6, STK_NET_CONNECT, "::1", p_deny, IPPROTO_TCP,
		    "default", "tcp connect v6");
	ok(op_inside(OP_CONNECT, SOCK_STREAM, "::ffff:127.0.0.1", p_ok, NULL) == 0,
	   "tcp connect [::ffff:127.0.0.1]:%d (v4-mapped, allowed as IPv4) succeeds", p_ok);
	r = op_inside(OP_CONNECT, SOCK_STREAM, "::ffff:127.0.0.2", p_ok, &pid);
	ok(r == EPERM, "tcp connect [::ffff:127.0.0.2]:%d is judged as 127.0.0.2 (got %s)", p_ok,
	   strerror(r));
	check_event(c, pid, STK_HOOK_CONNECT6, STK_NET_CONNECT, "::ffff:127.0.0.2", p_ok,
		    IPPROTO_TCP, "not-127-0-0-2", "v4-mapped");
	ok(do_op(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_deny) == 0,
	   "outside the test cgroup tcp connect 127.0.0.1:%d succeeds", p_deny);
	ok(do_op(OP_CONNECT, SOCK_STREAM, "::1", p_deny) == 0,
	   "outside the test cgroup tcp connect [::1]:%d succeeds", p_deny);

	/* Multipath TCP (judged on its TCP subflow) and TCP Fast Open */
	denied_and_logged(c, OP_MPTCP_CONNECT, "127.0.0.1", p_deny, STK_HOOK_CONNECT4,
			  STK_NET_CONNECT, "default", "mptcp connect");
	denied_and_logged(c, OP_FASTOPEN, "::1", p_deny, STK_HOOK_CONNECT6, STK_NET_CONNECT,
			  "default", "tcp fast open sendto");
	denied_and_logged(c, OP_MPTCP_BIND, "::1", 1000, STK_HOOK_BIND6, STK_NET_BIND,
			  "no-low-ports", "mptcp bind");

	/* UDP: unconnected sendto and connect */
	ok(op_inside(OP_SENDTO, SOCK_DGRAM, "127.0.0.1", u_ok, NULL) == 0,
	   "udp sendto 127.0.0.1:%d (allowed) succeeds", u_ok);
	r = op_inside(OP_SENDTO, SOCK_DGRAM, "127.0.0.1", u_deny, &pid);
	ok(r == EPERM, "udp sendto 127.0.0.1:%d fails with EPERM (got %s)", u_deny, strerror(r));
	check_event(c, pid, STK_HOOK_SENDMSG4, STK_NET_SENDMSG, "127.0.0.1", u_deny, IPPROTO_UDP,
		    "default", "udp sendto v4");
	ok(op_inside(OP_SENDTO, SOCK_DGRAM, "::1", u_ok, NULL) == 0,
	   "udp sendto [::1]:%d (allowed) succeeds", u_ok);
	r = op_inside(OP_SENDTO, SOCK_DGRAM, "::1", u_deny, &pid);
	ok(r == EPERM, "udp sendto [::1]:%d fails with EPERM (got %s)", u_deny, strerror(r));
	check_event(c, pid, STK_HOOK_SENDMSG6, STK_NET_SENDMSG, "::1", u_deny, IPPROTO_UDP,
		    "default", "udp sendto v6");
	r = op_inside(OP_SENDTO, SOCK_DGRAM, "::ffff:127.0.0.1", u_deny, &pid);
	ok(r == EPERM, "udp sendto [::ffff:127.0.0.1]:%d fails with EPERM (got %s)", u_deny,
	   strerror(r));
	ok(op_inside(OP_SENDTO, SOCK_DGRAM, "::ffff:127.0.0.1", u_ok, NULL) == 0,
	   "udp sendto [::ffff:127.0.0.1]:%d (allowed as IPv4) succeeds", u_ok);
	r = op_inside(OP_CONNECT, SOCK_DGRAM, "127.0.0.1", u_deny, &pid);
	ok(r == EPERM, "udp connect 127.0.0.1:%d fails with EPERM (got %s)", u_deny, strerror(r));
	r = op_inside(OP_CONNECT, SOCK_DGRAM, "127.0.0.1", p_ok, &pid);
	ok(r == EPERM, "udp connect 127.0.0.1:%d (the allow rule is tcp only) fails (got %s)", p_ok,
	   strerror(r));
	ok(do_op(OP_SENDTO, SOCK_DGRAM, "127.0.0.1", u_deny) == 0,
	   "outside the test cgroup udp sendto 127.0.0.1:%d succeeds", u_deny);

	/* bind */
	r = op_inside(OP_BIND, SOCK_STREAM, "127.0.0.1", 1000, &pid);
	ok(r == EPERM, "tcp bind 127.0.0.1:1000 (low port) fails with EPERM (got %s)", strerror(r));
	check_event(c, pid, STK_HOOK_BIND4, STK_NET_BIND, "127.0.0.1", 1000, IPPROTO_TCP,
		    "no-low-ports", "bind v4");
	r = op_inside(OP_BIND, SOCK_DGRAM, "::", p_bind, &pid);
	ok(r == EPERM, "udp bind [::]:%d fails with EPERM (got %s)", p_bind, strerror(r));
	check_event(c, pid, STK_HOOK_BIND6, STK_NET_BIND, "::", p_bind, IPPROTO_UDP, "no-this-port",
		    "bind v6");
	r = op_inside(OP_BIND, SOCK_STREAM, "::ffff:127.0.0.1", 1000, NULL);
	ok(r == EPERM, "tcp bind [::ffff:127.0.0.1]:1000 fails with EPERM (got %s)", strerror(r));
	ok(op_inside(OP_BIND, SOCK_STREAM, "127.0.0.1", p_bind + 1, NULL) == 0,
	   "tcp bind 127.0.0.1:%d (allowed) succeeds", p_bind + 1);
	ok(op_inside(OP_BIND, SOCK_DGRAM, "::1", p_bind + 1, NULL) == 0,
	   "udp bind [::1]:%d (allowed) succeeds", p_bind + 1);
	ok(do_op(OP_BIND, SOCK_STREAM, "127.0.0.1", 1000) == 0,
	   "outside the test cgroup tcp bind 127.0.0.1:1000 succeeds");

	ring_buffer__free(rb);
	rb = NULL;
	stk_cgroup_sock_destroy(sock_set);
	sock_set = NULL;
	ok(op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_deny, NULL) == 0,
	   "after detaching, tcp connect 127.0.0.1:%d succeeds in the cgroup", p_deny);
	stk_compiled_free(c);
	stk_policy_free(pol);
}

/*
 * Two sets on the same cgroup (as two agents, or stockade and other
 * software): both judge, and removing one leaves the other in place.
 */
static void coexistence_tests(int p_a, int p_b)
{
	struct stk_shared_maps sh_a = STK_SHARED_MAPS_INIT, sh_b = STK_SHARED_MAPS_INIT;
	struct stk_cgroup_sock *a = NULL, *b = NULL;
	struct stk_policy *pa, *pb;
	struct stk_compiled *ca, *cb;
	char text[1024], why[512];
	int r;

	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"a\", \"network\": { \"connect\": { \"rules\": ["
		 " { \"id\": \"no-a\", \"ports\": [\"%d\"], \"action\": \"deny\" } ] } } }", p_a);
	ca = compile_text(text, &pa);
	snprintf(text, sizeof(text),
		 "{ \"stockade\": 1, \"name\": \"b\", \"network\": { \"connect\": { \"rules\": ["
		 " { \"id\": \"no-b\", \"ports\": [\"%d\"], \"action\": \"deny\" } ] } } }", p_b);
	cb = compile_text(text, &pb);
	if (stk_cgroup_sock_load(&a, ca->net, &sh_a, 1 << 16, why, sizeof(why)) ||
	    stk_cgroup_sock_attach(a, cg_dir, why, sizeof(why)) ||
	    stk_cgroup_sock_load(&b, cb->net, &sh_b, 1 << 16, why, sizeof(why)) ||
	    stk_cgroup_sock_attach(b, cg_dir, why, sizeof(why))) {
		stk_cgroup_sock_destroy(a);
		stk_cgroup_sock_destroy(b);
		bail("two sets: %s", why);
	}
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_a, NULL);
	ok(r == EPERM, "two sets on one cgroup: the first set's deny holds (got %s)", strerror(r));
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_b, NULL);
	ok(r == EPERM, "two sets on one cgroup: the second set's deny holds (got %s)", strerror(r));
	stk_cgroup_sock_destroy(a);
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_a, NULL);
	ok(r == 0, "the first set removed: its port is open again (got %s)", strerror(r));
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_b, NULL);
	ok(r == EPERM, "the first set removed: the second set still denies (got %s)", strerror(r));
	stk_cgroup_sock_destroy(b);
	stk_compiled_free(ca);
	stk_compiled_free(cb);
	stk_policy_free(pa);
	stk_policy_free(pb);
}

/* 100,000 CIDRs: they compile, load and are enforced. */
static void scale_tests(int p_ok)
{
	size_t n = 100000, i, len = 0, cap = n * 24 + 1024;
	char *text = malloc(cap);
	struct stk_policy *pol;
	struct stk_compiled *c;
	struct timespec t0, t1;
	int r;

	if (!text)
		bail("out of memory");
	len += (size_t)snprintf(text + len, cap - len,
				"{ \"stockade\": 1, \"name\": \"scale\", \"network\": { \"connect\": {"
				" \"default\": \"deny\", \"rules\": [ { \"id\": \"many\", \"cidrs\": [");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "\"10.%zu.%zu.%zu/32\",",
					i >> 16, (i >> 8) & 0xff, i & 0xff);
	len += (size_t)snprintf(text + len, cap - len,
				"\"127.0.0.1/32\"], \"ports\": [\"%d\"], \"protocols\": [\"tcp\"],"
				" \"action\": \"allow\" } ] } } }",
				p_ok);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = compile_text(text, &pol);
	free(text);
	ok(c->net->n_v4 >= n + 1 && c->net->n_classes <= 3 * STK_NPROTO_COUNT,
	   "100,001 CIDRs compile to %zu IPv4 entries and %zu classes", c->net->n_v4,
	   c->net->n_classes / STK_NPROTO_COUNT);
	load_attach(c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# compiled and loaded in %.2f s\n",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ok(op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.1", p_ok, NULL) == 0,
	   "with 100,001 CIDRs loaded, tcp connect 127.0.0.1:%d (listed) succeeds", p_ok);
	r = op_inside(OP_CONNECT, SOCK_STREAM, "127.0.0.2", p_ok, NULL);
	ok(r == EPERM, "with 100,001 CIDRs loaded, tcp connect 127.0.0.2:%d (not listed) fails with "
	   "EPERM (got %s)", p_ok, strerror(r));
	unload(c, pol);
}

/*
 * The programs take an address whose first byte no rule prefix reaches
 * straight to the /0's class (struct stk_net_scope): prefixes of /1 to /7
 * reach ranges of first bytes, longer ones one; IPv4-mapped IPv6 uses the
 * IPv4 filter. UDP connect sends nothing: EPERM is the program's answer,
 * anything else (a missing route) is the kernel's after it allowed.
 */
static void first_byte_tests(void)
{
	static const struct {
		const char *addr;
		int denied;
		const char *why;
	} cases[] = {
		{ "8.0.0.1", 1, "first byte of a /5" },
		{ "9.1.2.3", 1, "inside a /5" },
		{ "15.255.255.254", 1, "last byte of a /5" },
		{ "16.0.0.1", 0, "just past a /5" },
		{ "7.255.255.254", 0, "just before a /5" },
		{ "200.1.2.3", 1, "inside a /1" },
		{ "127.0.0.1", 0, "no prefix but /0 (default allow)" },
		{ "100.64.0.1", 1, "inside a /10" },
		{ "100.127.255.254", 1, "the /10's last address but one" },
		{ "100.128.0.1", 0, "the /10's first byte, outside it" },
		{ "101.64.0.1", 0, "a first byte no prefix reaches" },
		{ "::ffff:9.1.2.3", 1, "IPv4-mapped, inside the /5" },
		{ "::ffff:127.0.0.1", 0, "IPv4-mapped, only /0" },
		{ "2001:db8::1", 1, "inside an IPv6 /32" },
		{ "2001:db9::1", 0, "same first byte, outside the /32" },
		{ "fe80::1", 0, "IPv6, only /0" },
	};
	const char *text = "{ \"stockade\": 1, \"name\": \"bytes\", \"network\": { \"connect\": {"
			   " \"default\": \"allow\", \"rules\": ["
			   " { \"id\": \"short\", \"cidrs\": [\"8.0.0.0/5\", \"128.0.0.0/1\"],"
			   " \"action\": \"deny\" },"
			   " { \"id\": \"ten\", \"cidrs\": [\"100.64.0.0/10\"], \"action\": \"deny\" },"
			   " { \"id\": \"v6\", \"cidrs\": [\"2001:db8::/32\"], \"action\": \"deny\" }"
			   " ] } } }";
	struct stk_policy *pol;
	struct stk_compiled *c = compile_text(text, &pol);
	size_t i;
	int r;

	load_attach(c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = op_inside(OP_CONNECT, SOCK_DGRAM, cases[i].addr, 53, NULL);
		ok(cases[i].denied ? r == EPERM : r != EPERM,
		   "first-byte filter: udp connect %s:53 (%s) %s (got %s)", cases[i].addr,
		   cases[i].why, cases[i].denied ? "fails with EPERM" : "is allowed", strerror(r));
	}
	unload(c, pol);
}

/*
 * A table number beyond the filters' reach (STK_SCOPE_MAX and up; compile
 * gives none today) must leave the trie to decide, not read as "no rules".
 */
static void unfiltered_table_tests(void)
{
	const char *text = "{ \"stockade\": 1, \"name\": \"far\", \"network\": { \"connect\": {"
			   " \"default\": \"allow\", \"rules\": ["
			   " { \"id\": \"short\", \"cidrs\": [\"8.0.0.0/5\"], \"action\": \"deny\" }"
			   " ] } } }";
	const __u16 far = STK_SCOPE_MAX + 36;
	struct stk_policy *pol;
	struct stk_compiled *c = compile_text(text, &pol);
	struct stk_net_compiled *n = c->net;
	size_t i;
	int r;

	if (n->table[0] != 0)
		bail("far table: the host's table is %u, not 0", n->table[0]);
	for (i = 0; i < n->n_v4; i++)
		n->v4[i].key.table = far;
	for (i = 0; i < n->n_v6; i++)
		n->v6[i].key.table = far;
	n->table[0] = far;
	load_attach(c);
	r = op_inside(OP_CONNECT, SOCK_DGRAM, "9.1.2.3", 53, NULL);
	ok(r == EPERM, "table %u (no filter): udp connect 9.1.2.3:53 fails with EPERM (got %s)",
	   far, strerror(r));
	r = op_inside(OP_CONNECT, SOCK_DGRAM, "127.0.0.1", 53, NULL);
	ok(r != EPERM, "table %u (no filter): udp connect 127.0.0.1:53 is allowed (got %s)", far,
	   strerror(r));
	unload(c, pol);
}

/* Sockets no address hook judges: their packets are (stk_egress). */
enum other_op {
	OTHER_PING,	      /* an ICMP (ICMPv6) ping socket's sendto() */
	OTHER_PING_CONNECTED, /* connect(), then send(): the connect sends nothing */
	OTHER_RAW_ICMP,	      /* a raw ICMP socket's sendto() */
	OTHER_RAW_HDRINCL,    /* a raw socket's own IP header to @addr, sent "to" 127.0.0.1 */
	OTHER_UDPLITE,	      /* a UDP-Lite datagram */
	OTHER_SCTP,	      /* a non-blocking SCTP connect (its INIT leaves at once) */
	OTHER_INHERITED,      /* a ping socket made here, sent from a child */
};

#define CONNECT_FAILED 150
#define NOT_SUPPORTED 151
#define NO_REPLY 153 /* sent without an error, and no echo reply came */

/*
 * Sends an echo request to @ss; 0 once the reply came. ICMPv6 ping sockets report
 * no error for a packet the egress program dropped (the kernel's
 * icmpv6_push_pending_frames() drops it): the missing reply shows it.
 */
static int send_ping(int fd, const struct sockaddr_storage *ss, socklen_t len, bool v6)
{
	unsigned char echo[16] = { v6 ? 128 : 8 }; /* echo request, code 0 */
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	/* Without @ss, send() on the connected socket. */
	if ((ss ? sendto(fd, echo, sizeof(echo), 0, (const struct sockaddr *)ss, len) :
		  send(fd, echo, sizeof(echo), 0)) < 0)
		return errno;
	return poll(&pfd, 1, 1000) == 1 ? 0 : NO_REPLY;
}

static int do_other(enum other_op op, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_make(&ss, addr, port);
	bool v6 = ss.ss_family == AF_INET6;
	int fd, r, st;

	switch (op) {
	case OTHER_PING:
	case OTHER_PING_CONNECTED:
	case OTHER_INHERITED:
		fd = socket(ss.ss_family, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
		break;
	case OTHER_RAW_ICMP:
		fd = socket(ss.ss_family, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
		break;
	case OTHER_RAW_HDRINCL:
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		break;
	case OTHER_UDPLITE:
		fd = socket(ss.ss_family, SOCK_DGRAM, IPPROTO_UDPLITE);
		break;
	default:
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_SCTP);
		if (fd < 0 && (errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT))
			return NOT_SUPPORTED;
		break;
	}
	if (fd < 0)
		return errno;
	switch (op) {
	case OTHER_PING:
	case OTHER_RAW_ICMP:
		return send_ping(fd, &ss, len, v6);
	case OTHER_PING_CONNECTED:
		if (connect(fd, (struct sockaddr *)&ss, len))
			return CONNECT_FAILED;
		return send_ping(fd, NULL, 0, v6);
	case OTHER_RAW_HDRINCL: {
		struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
				    .tot_len = htons(sizeof(ip)) };
		struct sockaddr_storage lo;
		socklen_t lo_len = sa_make(&lo, "127.0.0.1", 0);

		inet_pton(AF_INET, addr, &ip.daddr);
		inet_pton(AF_INET, "127.0.0.1", &ip.saddr);
		return sendto(fd, &ip, sizeof(ip), 0, (struct sockaddr *)&lo, lo_len) < 0 ? errno
											: 0;
	}
	case OTHER_UDPLITE:
		return sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	case OTHER_INHERITED:
		r = fork();
		if (r == 0)
			_exit(send_ping(fd, &ss, len, v6));
		if (r < 0 || waitpid(r, &st, 0) != r || !WIFEXITED(st))
			return 152;
		return WEXITSTATUS(st);
	default:
		r = connect(fd, (struct sockaddr *)&ss, len) ? errno : 0;
		return r == EINPROGRESS ? 0 : r;
	}
}

/* Runs do_other() in a child in the test cgroup and a network namespace of its own. */
static int other_inside(enum other_op op, const char *addr, int port, pid_t *ret_pid)
{
	pid_t pid = fork_inside(true);

	if (pid == 0)
		_exit(do_other(op, addr, port));
	if (ret_pid)
		*ret_pid = pid;
	return child_status(pid);
}

/*
 * ICMP, raw IP, UDP-Lite and SCTP under a connect policy: every packet is
 * judged by the address it goes to, as protocol "other" on port 0.
 */
static void other_protocol_tests(int port)
{
	const char *text = "{ \"stockade\": 1, \"name\": \"other\", \"network\": {\n"
			   "  \"connect\": { \"default\": \"deny\", \"rules\": [\n"
			   "    { \"id\": \"ping-here\", \"cidrs\": [\"127.0.0.1\"], \"protocols\": [\"other\"],"
			   " \"action\": \"allow\" },\n"
			   "    { \"id\": \"lan\", \"cidrs\": [\"127.0.0.3\"], \"action\": \"allow\" },\n"
			   "    { \"id\": \"tcp-to-4\", \"cidrs\": [\"127.0.0.4\"], \"protocols\": [\"tcp\"],"
			   " \"action\": \"allow\" },\n"
			   "    { \"id\": \"web\", \"ports\": [\"1-65535\"], \"action\": \"allow\" } ] } } }";
	static const struct {
		enum other_op op;
		const char *addr;
		int want, proto;
		const char *rule, *what;
	} cases[] = {
		{ OTHER_PING, "127.0.0.1", 0, 0, NULL, "ping 127.0.0.1 (protocol other allowed)" },
		{ OTHER_PING, "127.0.0.3", 0, 0, NULL, "ping 127.0.0.3 (a rule of every protocol)" },
		{ OTHER_PING, "127.0.0.2", EPERM, IPPROTO_ICMP, "default", "ping 127.0.0.2" },
		{ OTHER_PING, "127.0.0.4", EPERM, IPPROTO_ICMP, "default",
		  "ping 127.0.0.4 (its rule names tcp only; rules with ports never match)" },
		{ OTHER_PING_CONNECTED, "127.0.0.2", EPERM, IPPROTO_ICMP, "default",
		  "connected ping 127.0.0.2" },
		{ OTHER_PING, "::1", NO_REPLY, IPPROTO_ICMPV6, "default", "ping6 ::1" },
		{ OTHER_RAW_ICMP, "127.0.0.2", EPERM, IPPROTO_ICMP, "default", "raw icmp 127.0.0.2" },
		{ OTHER_RAW_ICMP, "127.0.0.1", 0, 0, NULL, "raw icmp 127.0.0.1" },
		{ OTHER_RAW_HDRINCL, "127.0.0.2", EPERM, IPPROTO_RAW, "default",
		  "raw IP header to 127.0.0.2, sendto() 127.0.0.1" },
		{ OTHER_UDPLITE, "127.0.0.2", EPERM, IPPROTO_UDPLITE, "default", "udplite 127.0.0.2" },
		{ OTHER_UDPLITE, "127.0.0.3", 0, 0, NULL, "udplite 127.0.0.3" },
		{ OTHER_SCTP, "127.0.0.2", 0, IPPROTO_SCTP, "default", "sctp connect 127.0.0.2" },
	};
	struct stk_policy *pol;
	struct stk_compiled *c = compile_text(text, &pol);
	const struct stk_event_net *ev;
	int r, before;
	size_t i;
	pid_t pid;

	load_attach(c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool v6 = strchr(cases[i].addr, ':') != NULL;

		r = other_inside(cases[i].op, cases[i].addr, port, &pid);
		if (r == NOT_SUPPORTED) {
			printf("ok %d # skip %s: this kernel has no SCTP\n", ++test_no, cases[i].what);
			printf("ok %d # skip %s: event\n", ++test_no, cases[i].what);
			continue;
		}
		ok(r == cases[i].want, "%s: %s (got %s)", cases[i].what,
		   cases[i].want == EPERM	 ? "fails with EPERM" :
		   cases[i].want == NO_REPLY ? "is dropped" :
					       "is sent",
		   r == NO_REPLY ? "no reply" : r < 150 ? strerror(r) : "?");
		if (cases[i].rule) {
			check_event(c, pid, v6 ? STK_HOOK_EGRESS6 : STK_HOOK_EGRESS4, STK_NET_SEND,
				    cases[i].addr, 0, cases[i].proto, cases[i].rule, cases[i].what);
		} else {
			ev = event_of(pid);
			ok(!ev, "%s: no event", cases[i].what);
		}
	}
	/* Sent from another process than the one that made the socket: refused, not misnamed. */
	ring_buffer__consume(rb);
	before = n_events;
	r = other_inside(OTHER_INHERITED, "127.0.0.2", port, NULL);
	ok(r == EPERM, "ping 127.0.0.2 from a child of the socket's maker: EPERM (got %s)",
	   strerror(r));
	ring_buffer__consume(rb);
	for (i = (size_t)before, r = 0; i < (size_t)n_events; i++)
		r += events[i].hdr.hook == STK_HOOK_EGRESS4;
	ok(r == 0, "no event names a process that did not send the packet (%d)", r);
	unload(c, pol);
}

int main(void)
{
	char mount[2048];
	int base, fds[4], i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", PLAN);
	if (stk_cgroup2_mount(mount, sizeof(mount)))
		bail("no cgroup v2 mount");
	snprintf(cg_dir, sizeof(cg_dir), "%s/stockade-test-%d", mount, getpid());
	if (mkdir(cg_dir, 0755)) {
		cg_dir[0] = '\0';
		bail("mkdir: %s", strerror(errno));
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGALRM, on_signal);
	alarm(300);
	libbpf_set_print(NULL);

	/* Ports unlikely to be in use, different per run. */
	base = 20000 + (getpid() % 2000) * 10;
	fds[0] = listen_on(SOCK_STREAM, base);     /* allowed */
	fds[1] = listen_on(SOCK_STREAM, base + 1); /* denied by default */
	fds[2] = listen_on(SOCK_DGRAM, base + 2);  /* allowed */
	fds[3] = listen_on(SOCK_DGRAM, base + 3);  /* denied by default */
	policy_tests(base, base + 1, base + 5, base + 2, base + 3);
	coexistence_tests(base, base + 1);
	scale_tests(base);
	first_byte_tests();
	unfiltered_table_tests();
	other_protocol_tests(base + 3);
	for (i = 0; i < 4; i++)
		close(fds[i]);
	cleanup();
	return failures ? 1 : 0;
}
