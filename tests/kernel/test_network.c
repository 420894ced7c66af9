// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_network.c - network rules end to end: the real agent with a host
 * policy attaches its cgroup socket programs at the cgroup v2 root, real
 * sockets over loopback are refused with EPERM or go through as the policy
 * says, and the audit log names address, port, protocol and direction.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-net"
#define P_OK 7001    /* tcp, allowed */
#define P_DENY 7002  /* tcp, denied by default */
#define P_AUDIT 7003 /* tcp, allowed and logged */
#define U_OK 7011    /* udp, allowed */
#define U_DENY 7012  /* udp, denied by default */
#define S_PORT 7021  /* sctp */

static const char *const policy =
	"{ \"stockade\": 1, \"name\": \"kt-net\",\n"
	"  \"network\": {\n"
	"    \"connect\": { \"default\": \"deny\", \"rules\": [\n"
	"      { \"id\": \"local-tcp\", \"cidrs\": [\"127.0.0.0/8\", \"::1/128\"], \"ports\": [\"7001\"],"
	" \"protocols\": [\"tcp\"], \"action\": \"allow\" },\n"
	"      { \"id\": \"watched\", \"cidrs\": [\"127.0.0.1/32\"], \"ports\": [\"7003\"],"
	" \"action\": \"audit\" },\n"
	"      { \"id\": \"dns-like\", \"cidrs\": [\"127.0.0.1\", \"::1\"], \"ports\": [\"7011\"],"
	" \"protocols\": [\"udp\"], \"action\": \"allow\" },\n"
	"      { \"id\": \"other-here\", \"cidrs\": [\"127.0.0.1\"], \"protocols\": [\"other\"],"
	" \"action\": \"allow\" } ] },\n"
	"    \"bind\": { \"default\": \"allow\", \"rules\": [\n"
	"      { \"id\": \"no-low-ports\", \"ports\": [\"1-1023\"], \"action\": \"deny\" } ] } } }\n";

static int listeners[4];

static int listen_on(int type, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_ANY_INIT };
	int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0), zero = 0, one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 16), 0);
	return fd;
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR);
	kt_write(DIR "/policy.json", policy);
	/* Listeners before the agent, so that a refusal can only be the policy. */
	listeners[0] = listen_on(SOCK_STREAM, P_OK);
	listeners[1] = listen_on(SOCK_STREAM, P_DENY);
	listeners[2] = listen_on(SOCK_STREAM, P_AUDIT);
	listeners[3] = listen_on(SOCK_DGRAM, U_DENY);
	return 0;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	kt_agent_reap_all();
	for (i = 0; i < 4; i++)
		close(listeners[i]);
	kt_rm(DIR);
	return 0;
}

/*
 * OP_MPTCP_*: the same on an IPPROTO_MPTCP socket (the kernel connects
 * and binds its first TCP subflow); OP_FASTOPEN: a TCP connect made by
 * sendto() with MSG_FASTOPEN; OP_SENDTO_CONNECTED: sendto() naming an
 * address on a UDP socket connected to U_OK first.
 */
enum op {
	OP_CONNECT,
	OP_SENDTO,
	OP_BIND,
	OP_MPTCP_CONNECT,
	OP_MPTCP_BIND,
	OP_FASTOPEN,
	OP_SENDTO_CONNECTED,
};

static bool is_mptcp(enum op op)
{
	return op == OP_MPTCP_CONNECT || op == OP_MPTCP_BIND;
}

/* The socket call of @op on @fd; 0 or -1 with errno. */
static int do_op(enum op op, int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in ok = { .sin_family = AF_INET, .sin_port = htons(U_OK),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 ok6 = { .sin6_family = AF_INET6, .sin6_port = htons(U_OK),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	switch (op) {
	case OP_CONNECT:
	case OP_MPTCP_CONNECT:
		return connect(fd, sa, len);
	case OP_BIND:
	case OP_MPTCP_BIND:
		return bind(fd, sa, len);
	case OP_FASTOPEN:
		return sendto(fd, "x", 1, MSG_FASTOPEN, sa, len) == 1 ? 0 : -1;
	case OP_SENDTO_CONNECTED:
		if (sa->sa_family == AF_INET ? connect(fd, (struct sockaddr *)&ok, sizeof(ok))
					     : connect(fd, (struct sockaddr *)&ok6, sizeof(ok6)))
			return 100; /* not the step under test */
		/* fall through */
	case OP_SENDTO:
		return sendto(fd, "x", 1, 0, sa, len) == 1 ? 0 : -1;
	}
	return -1;
}

/*
 * Does @op on a new socket in a child named @comm; returns 0 or the errno
 * it failed with, and the child's pid in @ret_pid.
 */
static int net_op(enum op op, int type, const char *addr, int port, const char *comm,
		  pid_t *ret_pid)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	pid_t pid;
	int st;

	if (strchr(addr, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &a->sin6_addr), 1);
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &a->sin_addr), 1);
		len = sizeof(*a);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = socket(ss.ss_family, type, is_mptcp(op) ? IPPROTO_MPTCP : 0), r;

		prctl(PR_SET_NAME, comm);
		if (fd < 0)
			_exit(100);
		r = do_op(op, fd, (struct sockaddr *)&ss, len);
		_exit(r == 100 ? 100 : r ? errno : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (ret_pid)
		*ret_pid = pid;
	return WEXITSTATUS(st);
}

/* Waits (up to 20 s) for the audit record of process @pid; NULL if none came. */
static struct json_object *wait_pid_event(const struct ktest_agent *a, pid_t pid)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		FILE *f = fopen(a->log, "r");
		char *line = NULL;
		size_t cap = 0;

		while (f && getline(&line, &cap, f) > 0) {
			struct json_object *o = json_tokener_parse(line), *v;

			if (o && json_object_object_get_ex(o, "pid", &v) &&
			    json_object_get_int64(v) == pid) {
				free(line);
				fclose(f);
				return o;
			}
			json_object_put(o);
		}
		free(line);
		if (f)
			fclose(f);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 20)
			return NULL;
		usleep(50000);
	}
}

static void expect_event(const struct ktest_agent *a, pid_t pid, const char *action,
			 const char *hook, const char *direction, const char *address, int port,
			 const char *protocol, const char *rule, const char *comm)
{
	struct json_object *ev = wait_pid_event(a, pid);

	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), action);
	assert_int_equal(kt_bool(ev, "enforced"), strcmp(action, "deny") == 0);
	assert_string_equal(kt_str(ev, "hook"), hook);
	assert_string_equal(kt_str(ev, "policy"), "kt-net");
	assert_string_equal(kt_str(ev, "rule"), rule);
	assert_string_equal(kt_str(ev, "direction"), direction);
	assert_string_equal(kt_str(ev, "address"), address);
	assert_int_equal(kt_int(ev, "port"), port);
	assert_string_equal(kt_str(ev, "protocol"), protocol);
	assert_string_equal(kt_str(ev, "comm"), comm);
	assert_string_equal(kt_str(ev, "cgroup"), "/");
	json_object_put(ev);
}

static void connect_denied_and_allowed(void **state)
{
	struct ktest_agent a;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "127.0.0.1", P_OK, "c-ok", NULL), 0);
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "127.0.0.1", P_DENY, "c-deny", &pid),
			 EPERM);
	expect_event(&a, pid, "deny", "connect4", "connect", "127.0.0.1", P_DENY, "tcp", "default",
		     "c-deny");
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "::1", P_OK, "c6-ok", NULL), 0);
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "::1", P_DENY, "c6-deny", &pid), EPERM);
	expect_event(&a, pid, "deny", "connect6", "connect", "::1", P_DENY, "tcp", "default",
		     "c6-deny");
	/* An IPv4-mapped address on an IPv6 socket is judged as the IPv4 address. */
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "::ffff:127.0.0.1", P_OK, "cm-ok", NULL),
			 0);
	assert_int_equal(
		net_op(OP_CONNECT, SOCK_STREAM, "::ffff:127.0.0.1", P_DENY, "cm-deny", &pid),
		EPERM);
	expect_event(&a, pid, "deny", "connect6", "connect", "::ffff:127.0.0.1", P_DENY, "tcp",
		     "default", "cm-deny");
	assert_int_equal(kt_agent_stop(&a), 0);
	/* Stopping the agent detaches the programs. */
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "127.0.0.1", P_DENY, "c-after", NULL), 0);
}

static void audit_rule_allows_and_logs(void **state)
{
	struct ktest_agent a;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "127.0.0.1", P_AUDIT, "c-audit", &pid), 0);
	expect_event(&a, pid, "audit", "connect4", "connect", "127.0.0.1", P_AUDIT, "tcp", "watched",
		     "c-audit");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void unconnected_udp_is_judged(void **state)
{
	struct ktest_agent a;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(net_op(OP_SENDTO, SOCK_DGRAM, "127.0.0.1", U_OK, "u-ok", NULL), 0);
	assert_int_equal(net_op(OP_SENDTO, SOCK_DGRAM, "127.0.0.1", U_DENY, "u-deny", &pid), EPERM);
	expect_event(&a, pid, "deny", "sendmsg4", "sendmsg", "127.0.0.1", U_DENY, "udp", "default",
		     "u-deny");
	assert_int_equal(net_op(OP_SENDTO, SOCK_DGRAM, "::1", U_DENY, "u6-deny", &pid), EPERM);
	expect_event(&a, pid, "deny", "sendmsg6", "sendmsg", "::1", U_DENY, "udp", "default",
		     "u6-deny");
	assert_int_equal(net_op(OP_SENDTO, SOCK_DGRAM, "::1", U_OK, "u6-ok", NULL), 0);
	/* The allow rule for 7001 is TCP only. */
	assert_int_equal(net_op(OP_CONNECT, SOCK_DGRAM, "127.0.0.1", P_OK, "u-conn", &pid), EPERM);
	expect_event(&a, pid, "deny", "connect4", "connect", "127.0.0.1", P_OK, "udp", "default",
		     "u-conn");
	assert_int_equal(kt_agent_stop(&a), 0);
}

static void bind_low_port_denied(void **state)
{
	struct ktest_agent a;
	pid_t pid;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(net_op(OP_BIND, SOCK_STREAM, "127.0.0.1", 80, "b-low", &pid), EPERM);
	expect_event(&a, pid, "deny", "bind4", "bind", "127.0.0.1", 80, "tcp", "no-low-ports",
		     "b-low");
	assert_int_equal(net_op(OP_BIND, SOCK_DGRAM, "::", 53, "b6-low", &pid), EPERM);
	expect_event(&a, pid, "deny", "bind6", "bind", "::", 53, "udp", "no-low-ports", "b6-low");
	assert_int_equal(net_op(OP_BIND, SOCK_STREAM, "127.0.0.1", 8080, "b-high", NULL), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* @op is refused with EPERM and logged as a deny of @hook by @rule. */
static void expect_denied(const struct ktest_agent *a, enum op op, int type, const char *addr,
			  int port, const char *comm, const char *hook, const char *direction,
			  const char *protocol, const char *rule)
{
	pid_t pid;

	assert_int_equal(net_op(op, type, addr, port, comm, &pid), EPERM);
	expect_event(a, pid, "deny", hook, direction, addr, port, protocol, rule, comm);
}

/*
 * The other ways a process reaches an address are judged as connect and
 * bind are: a multipath TCP socket (its TCP subflow connects and binds),
 * a TCP connect made by sendto() with MSG_FASTOPEN, and sendto() naming
 * another address on a connected UDP socket.
 */
static void every_way_to_reach_an_address_is_judged(void **state)
{
	struct ktest_agent a;

	(void)state;
	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(net_op(OP_MPTCP_CONNECT, SOCK_STREAM, "127.0.0.1", P_OK, "m-ok", NULL), 0);
	expect_denied(&a, OP_MPTCP_CONNECT, SOCK_STREAM, "127.0.0.1", P_DENY, "m-deny", "connect4",
		      "connect", "tcp", "default");
	expect_denied(&a, OP_MPTCP_CONNECT, SOCK_STREAM, "::1", P_DENY, "m6-deny", "connect6",
		      "connect", "tcp", "default");
	expect_denied(&a, OP_MPTCP_BIND, SOCK_STREAM, "127.0.0.1", 80, "mb-low", "bind4", "bind",
		      "tcp", "no-low-ports");
	assert_int_equal(net_op(OP_FASTOPEN, SOCK_STREAM, "127.0.0.1", P_OK, "f-ok", NULL), 0);
	expect_denied(&a, OP_FASTOPEN, SOCK_STREAM, "127.0.0.1", P_DENY, "f-deny", "connect4",
		      "connect", "tcp", "default");
	expect_denied(&a, OP_FASTOPEN, SOCK_STREAM, "::1", P_DENY, "f6-deny", "connect6", "connect",
		      "tcp", "default");
	expect_denied(&a, OP_SENDTO_CONNECTED, SOCK_DGRAM, "127.0.0.1", U_DENY, "uc-deny",
		      "sendmsg4", "sendmsg", "udp", "default");
	expect_denied(&a, OP_SENDTO_CONNECTED, SOCK_DGRAM, "::1", U_DENY, "uc6-deny", "sendmsg6",
		      "sendmsg", "udp", "default");
	assert_int_equal(net_op(OP_SENDTO_CONNECTED, SOCK_DGRAM, "::1", U_OK, "uc6-ok", NULL), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/* Sockets no address hook judges: each packet is judged as protocol "other". */
enum other_op {
	PING,		/* sendto() on an ICMP (ICMPv6) ping socket */
	PING_FROM_DENIED, /* the same, bound to 127.0.0.2: the kernel's reply goes there */
	RAW_HDRINCL,	/* a raw socket's own IP header to @addr, sent "to" 127.0.0.1 */
	UDPLITE,	/* a UDP-Lite datagram */
	SCTP,		/* an SCTP connect */
};

#define NO_REPLY 150 /* sent without an error, and nothing came back */

/*
 * The socket calls of @op to @addr in a child named @comm: 0 when the
 * packet went and its answer came (an echo reply, an SCTP association),
 * EPERM when the send failed so, NO_REPLY when it failed silently (ICMPv6
 * ping sockets drop the egress program's error, the SCTP INIT is retried).
 */
static int other_child(enum other_op op, const char *addr)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss, lo = { .sin_family = AF_INET };
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	unsigned char echo[16] = { 8 };
	struct pollfd pfd = { .events = POLLIN };
	socklen_t len = sizeof(*a4);
	int fd, err = 0;

	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strchr(addr, ':')) {
		a6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &a6->sin6_addr);
		len = sizeof(*a6);
		echo[0] = 128;
	} else {
		a4->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &a4->sin_addr);
	}
	switch (op) {
	case PING:
	case PING_FROM_DENIED:
		fd = socket(ss.ss_family, SOCK_DGRAM, ss.ss_family == AF_INET6 ? IPPROTO_ICMPV6
										: IPPROTO_ICMP);
		if (op == PING_FROM_DENIED) {
			struct sockaddr_in src = { .sin_family = AF_INET };

			inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
			if (bind(fd, (struct sockaddr *)&src, sizeof(src)))
				return 101;
		}
		if (sendto(fd, echo, sizeof(echo), 0, (struct sockaddr *)&ss, len) < 0)
			return errno;
		pfd.fd = fd;
		return poll(&pfd, 1, 2000) == 1 ? 0 : NO_REPLY;
	case RAW_HDRINCL: {
		struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
				    .tot_len = htons(sizeof(ip)), .saddr = lo.sin_addr.s_addr };

		fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		ip.daddr = a4->sin_addr.s_addr;
		return sendto(fd, &ip, sizeof(ip), 0, (struct sockaddr *)&lo, sizeof(lo)) < 0 ? errno
											     : 0;
	}
	case UDPLITE:
		fd = socket(ss.ss_family, SOCK_DGRAM, IPPROTO_UDPLITE);
		a4->sin_port = htons(U_DENY);
		return sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	case SCTP:
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_SCTP);
		a4->sin_port = htons(S_PORT);
		if (fd < 0)
			return 102;
		if (connect(fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS)
			return errno;
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (poll(&pfd, 1, 3000) != 1)
			return NO_REPLY;
		len = sizeof(err);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		return err;
	}
	return 103;
}

static int other_op(enum other_op op, const char *addr, const char *comm, pid_t *ret_pid)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		_exit(other_child(op, addr));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (ret_pid)
		*ret_pid = pid;
	return WEXITSTATUS(st);
}

static void expect_other_denied(const struct ktest_agent *a, enum other_op op, const char *addr,
				int result, const char *comm, const char *protocol)
{
	pid_t pid;

	assert_int_equal(other_op(op, addr, comm, &pid), result);
	expect_event(a, pid, "deny", strchr(addr, ':') ? "egress6" : "egress4", "send", addr, 0,
		     protocol, "default", comm);
}

/*
 * ICMP, raw IP, UDP-Lite and SCTP reach addresses without the connect and
 * sendmsg hooks: their packets are judged as they leave, by the address in
 * the packet, so a connect policy's default deny holds for them too. The
 * kernel's own packets (the echo reply) are not judged.
 */
static void other_protocols_are_judged_by_address(void **state)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(S_PORT),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	struct ktest_agent a;
	int sctp_listener;

	(void)state;
	kt_load_module("udp_tunnel", false);
	kt_load_module("ip6_udp_tunnel", false);
	kt_load_module("libcrc32c", false);
	kt_load_module("sctp", false);
	/* Both families; SCTP does not answer on another loopback address than 127.0.0.1. */
	sctp_listener = socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	assert_true(sctp_listener >= 0);
	assert_int_equal(bind(sctp_listener, (struct sockaddr *)&any, sizeof(any)), 0);
	assert_int_equal(listen(sctp_listener, 8), 0);
	/* The premise: without the agent, each of them goes through. */
	assert_int_equal(other_op(PING, "127.0.0.2", "o-pre", NULL), 0);
	assert_int_equal(other_op(SCTP, "::1", "o-pre", NULL), 0);

	kt_agent_start(&a, DIR "/policy.json", NULL);
	assert_int_equal(other_op(PING, "127.0.0.1", "o-ping-ok", NULL), 0);
	assert_int_equal(other_op(PING_FROM_DENIED, "127.0.0.1", "o-reply", NULL), 0);
	expect_other_denied(&a, PING, "127.0.0.2", EPERM, "o-ping", "icmp");
	expect_other_denied(&a, PING, "::1", NO_REPLY, "o-ping6", "icmpv6");
	expect_other_denied(&a, RAW_HDRINCL, "127.0.0.2", EPERM, "o-raw", "raw");
	assert_int_equal(other_op(RAW_HDRINCL, "127.0.0.1", "o-raw-ok", NULL), 0);
	expect_other_denied(&a, UDPLITE, "127.0.0.2", EPERM, "o-lite", "udplite");
	assert_int_equal(other_op(SCTP, "127.0.0.1", "o-sctp-ok", NULL), 0);
	expect_other_denied(&a, SCTP, "::1", NO_REPLY, "o-sctp", "sctp");
	assert_int_equal(kt_agent_stop(&a), 0);
	close(sctp_listener);
}

static void complain_mode_logs_without_denying(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	pid_t pid;

	(void)state;
	kt_write(DIR "/complain.json",
		 "{ \"stockade\": 1, \"name\": \"kt-net\", \"mode\": \"complain\",\n"
		 "  \"network\": { \"connect\": { \"default\": \"deny\" } } }\n");
	kt_agent_start(&a, DIR "/complain.json", NULL);
	assert_int_equal(net_op(OP_CONNECT, SOCK_STREAM, "127.0.0.1", P_DENY, "c-compl", &pid), 0);
	ev = wait_pid_event(&a, pid);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "action"), "deny");
	assert_false(kt_bool(ev, "enforced"));
	assert_string_equal(kt_str(ev, "rule"), "default");
	assert_int_equal(kt_int(ev, "port"), P_DENY);
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(connect_denied_and_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_rule_allows_and_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(unconnected_udp_is_judged, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_low_port_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(every_way_to_reach_an_address_is_judged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(other_protocols_are_judged_by_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(complain_mode_logs_without_denying, setup, teardown),
	};

	return cmocka_run_group_tests_name("network", tests, NULL, NULL);
}
