// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_scope_ops.c - the sections decided by number (sockets,
 * capabilities, kernel operations) per scope, on the real kernel: a scoped
 * policy's sockets.deny, capabilities.deny and kernel.deny hold in its
 * cgroups (and their descendants) and nowhere else, while the host
 * policy's hold everywhere, and events name the deciding policy and the
 * cgroup.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"

#define DIR "/tmp/kt-sops"
#define CG "/kt-sops"
#ifndef AF_PACKET
#define AF_PACKET 17
#endif

enum op { OP_INET6, OP_PACKET, OP_CHOWN, OP_MOUNT };

struct probe {
	const char *cg;
	enum op op;
};

/* In a child: enter the cgroup, then the operation; 0 or its errno. */
static int probe_child(void *arg)
{
	const struct probe *p = arg;
	int err = kt_cg_enter(p->cg, 0), fd;

	if (err)
		return 100 + err;
	switch (p->op) {
	case OP_INET6:
	case OP_PACKET:
		fd = socket(p->op == OP_INET6 ? AF_INET6 : AF_PACKET, SOCK_DGRAM, 0);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	case OP_CHOWN:
		/* Giving a file away takes CAP_CHOWN, even for root. */
		return chown(DIR "/file", 1, 1) ? errno : 0;
	case OP_MOUNT:
		if (mount("none", DIR "/mnt", "tmpfs", 0, NULL))
			return errno;
		umount2(DIR "/mnt", MNT_DETACH);
		return 0;
	}
	return 99;
}

static int probe(const char *cg, enum op op)
{
	struct probe p = { cg, op };
	int r = kt_in_child(probe_child, &p);

	if (r >= 100)
		fail_msg("entering cgroup %s failed: %s", cg, strerror(r - 100));
	return r;
}

static int setup(void **state)
{
	(void)state;
	if (!kt_cg_present())
		return -1;
	kt_rm(DIR);
	kt_mkdirs(DIR "/mnt");
	kt_write(DIR "/file", "f\n");
	kt_write(DIR "/policies/10-host.json",
		 "{ \"stockade\": 1, \"name\": \"host\",\n"
		 "  \"sockets\": { \"deny\": [\"packet\"] } }\n");
	kt_write(DIR "/policies/20-ctr.json",
		 "{ \"stockade\": 1, \"name\": \"ctr\",\n"
		 "  \"scope\": { \"cgroups\": [\"" CG "/ctr-*\"] },\n"
		 "  \"sockets\": { \"deny\": [\"inet6\"] },\n"
		 "  \"capabilities\": { \"deny\": [\"CAP_CHOWN\"] },\n"
		 "  \"kernel\": { \"deny\": [\"mount\"] } }\n");
	kt_cg_rmtree(CG);
	kt_cg_mkdir(CG);
	kt_cg_mkdir(CG "/ctr-1");
	kt_cg_mkdir(CG "/other");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/mnt", MNT_DETACH);
	kt_cg_rmtree(CG);
	kt_rm(DIR);
	return 0;
}

static void each_scope_decides_its_own_operations(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;

	(void)state;
	/* Without stockade, root may do all of it. */
	assert_int_equal(probe(CG "/ctr-1", OP_CHOWN), 0);
	assert_int_equal(probe(CG "/ctr-1", OP_MOUNT), 0);
	assert_int_equal(probe(CG "/ctr-1", OP_INET6), 0);
	kt_agent_start(&a, DIR "/policies", NULL);

	/* The scope: its own denials and the host's. */
	assert_int_equal(probe(CG "/ctr-1", OP_INET6), EPERM);
	assert_int_equal(probe(CG "/ctr-1", OP_CHOWN), EPERM);
	assert_int_equal(probe(CG "/ctr-1", OP_MOUNT), EPERM);
	assert_int_equal(probe(CG "/ctr-1", OP_PACKET), EPERM);
	/* A cgroup made inside it later is in it at once. */
	kt_cg_mkdir(CG "/ctr-1/child");
	assert_int_equal(probe(CG "/ctr-1/child", OP_INET6), EPERM);
	assert_int_equal(probe(CG "/ctr-1/child", OP_MOUNT), EPERM);
	/* Elsewhere: the host's only. */
	assert_int_equal(probe(CG "/other", OP_INET6), 0);
	assert_int_equal(probe(CG "/other", OP_CHOWN), 0);
	assert_int_equal(probe(CG "/other", OP_MOUNT), 0);
	assert_int_equal(probe(CG "/other", OP_PACKET), EPERM);

	ev = kt_wait_record(&a, "rule", "inet6", NULL);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "policy"), "ctr");
	assert_string_equal(kt_str(ev, "cgroup"), CG "/ctr-1");
	json_object_put(ev);
	ev = kt_wait_record(&a, "rule", "CAP_CHOWN", NULL);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "policy"), "ctr");
	assert_string_equal(kt_str(ev, "cgroup"), CG "/ctr-1");
	json_object_put(ev);
	ev = kt_wait_record(&a, "rule", "packet", NULL);
	assert_non_null(ev);
	assert_string_equal(kt_str(ev, "policy"), "host");
	json_object_put(ev);
	assert_int_equal(kt_agent_stop(&a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_scope_decides_its_own_operations),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
