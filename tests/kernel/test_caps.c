// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_caps.c - the capabilities section end to end: root without a denied
 * capability gets EPERM where the kernel asks for it, the event names the
 * capability, stockade itself keeps its own capabilities and keeps working,
 * complain mode logs and allows.
 *
 * The test runner is root and runs under the policy too: every operation
 * that needs a denied capability is made in a child (kt_probe); the runner
 * itself only forks, waits, signals its own children and reads files.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"
#include "ktest_ops.h"

#define DIR "/tmp/kt-caps"

static int raw_socket(void *arg)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	(void)arg;
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int set_hostname(void *arg)
{
	(void)arg;
	return sethostname("stockade-vm", 11) ? errno : 0;
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/mnt");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/mnt", MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

static void denied_capabilities_fail_agent_keeps_working(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	(void)state;

	/* Root can do all of this without stockade. */
	assert_int_equal(kt_probe("pre-raw", raw_socket, NULL), 0);
	assert_int_equal(kt_probe("pre-mount", kt_probe_mount_tmpfs, DIR "/mnt"), 0);
	assert_int_equal(kt_probe("pre-host", set_hostname, NULL), 0);

	kt_write(DIR "/p.json",
		 "{ \"stockade\": 1, \"name\": \"nocaps\",\n"
		 "  \"capabilities\": { \"deny\": [\"CAP_SYS_ADMIN\", \"CAP_NET_RAW\", "
		 "\"CAP_BPF\", \"CAP_PERFMON\"] },\n"
		 "  \"kernel\": { \"deny\": [\"bpf\"] } }\n");
	kt_agent_start(&a, DIR "/p.json", NULL);

	assert_int_equal(kt_probe("cap-raw", raw_socket, NULL), EPERM);
	assert_int_equal(kt_probe("cap-mount", kt_probe_mount_tmpfs, DIR "/mnt"), EPERM);
	assert_int_equal(kt_probe("cap-host", set_hostname, NULL), EPERM);

	ev = kt_wait_field(&a, "comm", "cap-raw");
	kt_assert_op_event(ev, "capable", "nocaps", "CAP_NET_RAW", "deny", true);
	assert_string_equal(kt_str(ev, "capability"), "CAP_NET_RAW");
	assert_int_equal(kt_int(ev, "capability_number"), 13);
	assert_int_equal(kt_int(ev, "uid"), 0);
	json_object_put(ev);

	ev = kt_wait_field(&a, "comm", "cap-mount");
	kt_assert_op_event(ev, "capable", "nocaps", "CAP_SYS_ADMIN", "deny", true);
	assert_string_equal(kt_str(ev, "capability"), "CAP_SYS_ADMIN");
	json_object_put(ev);

	/*
	 * The agent needs CAP_SYS_ADMIN, CAP_BPF and bpf() itself: it is
	 * exempt, so events made after those denials still arrive, nothing of
	 * its own is denied, and it stops cleanly.
	 */
	assert_int_equal(kt_probe("cap-late", raw_socket, NULL), EPERM);
	ev = kt_wait_field(&a, "comm", "cap-late");
	json_object_put(ev);
	assert_int_equal(kt_count_field(&a, "comm", "stockade"), 0);
	assert_int_equal(kt_agent_stop(&a), 0);

	assert_int_equal(kt_probe("post-mount", kt_probe_mount_tmpfs, DIR "/mnt"), 0);
}

static void complain_mode_logs_and_allows(void **state)
{
	(void)state;
	kt_complain_logs_and_allows(DIR "/p.json",
				    "{ \"stockade\": 1, \"name\": \"watch\",\n"
				    "  \"capabilities\": { \"mode\": \"complain\", "
				    "\"deny\": [\"CAP_NET_RAW\"] } }\n",
				    "cm-raw", raw_socket, NULL, "capable", "watch", "CAP_NET_RAW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(denied_capabilities_fail_agent_keeps_working,
						setup, teardown),
		cmocka_unit_test_setup_teardown(complain_mode_logs_and_allows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
