// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_sockets.c - the sockets section end to end: socket() of a denied
 * family or of SOCK_RAW fails with EPERM (the kernel returns the LSM's
 * error from socket_create unchanged), allowed families work, audit and
 * complain mode log without refusing, and several policies combine.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"
#include "ktest_ops.h"

#define DIR "/tmp/kt-sockets"

struct sock_args {
	int family, type, protocol;
};

static int try_socket(void *arg)
{
	const struct sock_args *s = arg;
	int fd = socket(s->family, s->type, s->protocol);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int sock_probe(const char *comm, int family, int type, int protocol)
{
	struct sock_args s = { family, type, protocol };

	return kt_probe(comm, try_socket, &s);
}

/* An unprivileged user's socket of a denied family. */
static int nobody_inet6(void *arg)
{
	struct sock_args s = { AF_INET6, SOCK_STREAM, 0 };

	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 200;
	return try_socket(&s);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	kt_rm(DIR);
	return 0;
}

static void denied_kinds_fail_allowed_work(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	(void)state;

	/* Without stockade, none of these fails with EPERM (root may make them all). */
	assert_int_not_equal(sock_probe("pre-raw", AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
	assert_int_not_equal(sock_probe("pre-packet", AF_PACKET, SOCK_DGRAM, 0), EPERM);
	assert_int_not_equal(sock_probe("pre-netlink", AF_NETLINK, SOCK_RAW, 0), EPERM);
	assert_int_equal(sock_probe("pre-inet6", AF_INET6, SOCK_STREAM, 0), 0);

	kt_write(DIR "/p.json",
		 "{ \"stockade\": 1, \"name\": \"socks\",\n"
		 "  \"sockets\": { \"deny\": [\"raw\", \"packet\", \"netlink\", \"inet6\"],\n"
		 "                \"audit\": [\"unix\"] } }\n");
	kt_agent_start(&a, DIR "/p.json", NULL);

	/* SOCK_RAW in any family, flags masked off. */
	assert_int_equal(sock_probe("sk-raw", AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP),
			 EPERM);
	assert_int_equal(sock_probe("sk-packet", AF_PACKET, SOCK_DGRAM, 0), EPERM);
	assert_int_equal(sock_probe("sk-netlink", AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, 0), EPERM);
	assert_int_equal(sock_probe("sk-inet6", AF_INET6, SOCK_DGRAM, 0), EPERM);
	/* Allowed: inet stream and datagram; unix is audited, not refused. */
	assert_int_equal(sock_probe("sk-inet", AF_INET, SOCK_STREAM, 0), 0);
	assert_int_equal(sock_probe("sk-udp", AF_INET, SOCK_DGRAM, 0), 0);
	assert_int_equal(sock_probe("sk-unix", AF_UNIX, SOCK_STREAM, 0), 0);
	assert_int_equal(kt_probe("sk-nobody", nobody_inet6, NULL), EPERM);

	ev = kt_wait_field(&a, "comm", "sk-raw");
	kt_assert_op_event(ev, "socket_create", "socks", "raw", "deny", true);
	assert_string_equal(kt_str(ev, "family"), "inet");
	assert_string_equal(kt_str(ev, "type"), "raw");
	assert_int_equal(kt_int(ev, "protocol"), IPPROTO_ICMP);
	json_object_put(ev);

	ev = kt_wait_field(&a, "comm", "sk-packet");
	kt_assert_op_event(ev, "socket_create", "socks", "packet", "deny", true);
	assert_string_equal(kt_str(ev, "family"), "packet");
	assert_string_equal(kt_str(ev, "type"), "dgram");
	json_object_put(ev);

	ev = kt_wait_field(&a, "comm", "sk-netlink");
	assert_string_equal(kt_str(ev, "family"), "netlink");
	assert_int_equal(kt_bool(ev, "enforced"), true);
	json_object_put(ev);

	ev = kt_wait_field(&a, "comm", "sk-inet6");
	kt_assert_op_event(ev, "socket_create", "socks", "inet6", "deny", true);
	json_object_put(ev);

	ev = kt_wait_field(&a, "comm", "sk-nobody");
	kt_assert_op_event(ev, "socket_create", "socks", "inet6", "deny", true);
	assert_int_equal(kt_int(ev, "uid"), 65534);
	json_object_put(ev);

	ev = kt_wait_field(&a, "comm", "sk-unix");
	kt_assert_op_event(ev, "socket_create", "socks", "unix", "audit", false);
	json_object_put(ev);

	assert_int_equal(kt_count_field(&a, "comm", "sk-inet"), 0);
	assert_int_equal(kt_count_field(&a, "comm", "sk-udp"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);

	/* Enforcement ends with the agent. */
	assert_int_equal(sock_probe("post-inet6", AF_INET6, SOCK_STREAM, 0), 0);
}

static void complain_logs_and_policies_combine(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	(void)state;

	/* a: complain, would deny packet and inet6; b: enforces inet6. */
	kt_write(DIR "/d/a.json",
		 "{ \"stockade\": 1, \"name\": \"a\", \"mode\": \"complain\",\n"
		 "  \"sockets\": { \"deny\": [\"packet\", \"inet6\"] } }\n");
	kt_write(DIR "/d/b.json",
		 "{ \"stockade\": 1, \"name\": \"b\",\n"
		 "  \"sockets\": { \"deny\": [\"inet6\"] } }\n");
	kt_agent_start(&a, DIR "/d", NULL);

	assert_int_not_equal(sock_probe("cm-packet", AF_PACKET, SOCK_DGRAM, 0), EPERM);
	assert_int_equal(sock_probe("cm-inet6", AF_INET6, SOCK_STREAM, 0), EPERM);

	ev = kt_wait_field(&a, "comm", "cm-packet");
	kt_assert_op_event(ev, "socket_create", "a", "packet", "deny", false);
	json_object_put(ev);
	/* The enforced deny of b wins over the complain deny of a. */
	ev = kt_wait_field(&a, "comm", "cm-inet6");
	kt_assert_op_event(ev, "socket_create", "b", "inet6", "deny", true);
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

/*
 * The agent makes a unix socket after its programs are attached, to report
 * READY=1: that it comes at all shows the agent is exempt.
 */
static void agent_keeps_its_own_sockets(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	(void)state;

	kt_write(DIR "/p.json",
		 "{ \"stockade\": 1, \"name\": \"nounix\",\n"
		 "  \"sockets\": { \"deny\": [\"unix\"] } }\n");
	kt_agent_start(&a, DIR "/p.json", NULL);
	assert_int_equal(sock_probe("nu-unix", AF_UNIX, SOCK_DGRAM, 0), EPERM);
	ev = kt_wait_field(&a, "comm", "nu-unix");
	kt_assert_op_event(ev, "socket_create", "nounix", "unix", "deny", true);
	json_object_put(ev);
	assert_int_equal(kt_count_field(&a, "comm", "stockade"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(denied_kinds_fail_allowed_work, setup, teardown),
		cmocka_unit_test_setup_teardown(complain_logs_and_policies_combine, setup,
						teardown),
		cmocka_unit_test_setup_teardown(agent_keeps_its_own_sockets, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
