// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_container_of.c - container id, runtime and systemd unit of cgroup
 * paths as docker, containerd, CRI-O, podman, the kubelet and systemd name them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "container_of.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void table(void **state)
{
	static const struct {
		const char *cgroup, *container, *runtime, *unit;
	} cases[] = {
		{ "/system.slice/docker-" ID64 ".scope", ID64, "docker", "docker-" ID64 ".scope" },
		{ "/docker/" ID64, ID64, "docker", NULL },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1_2.slice/"
		  "cri-containerd-" ID64 ".scope",
		  ID64, "containerd", "cri-containerd-" ID64 ".scope" },
		{ "/kubepods.slice/kubepods-pod1.slice/crio-" ID64 ".scope", ID64, "cri-o",
		  "crio-" ID64 ".scope" },
		/* crio's conmon sits beside the container: not a container id. */
		{ "/kubepods.slice/kubepods-pod1.slice/crio-conmon-" ID64 ".scope", NULL, NULL,
		  "crio-conmon-" ID64 ".scope" },
		{ "/machine.slice/libpod-" ID64 ".scope/container", ID64, "podman",
		  "libpod-" ID64 ".scope" },
		{ "/libpod_parent/libpod-" ID64, ID64, "podman", NULL },
		{ "/kubepods/burstable/pod0a1b/" ID64, ID64, "kubernetes", NULL },
		/* Docker in docker: the innermost container is the one acting. */
		{ "/system.slice/docker-" ID64 ".scope/docker/" ID64B, ID64B, "docker",
		  "docker-" ID64 ".scope" },
		{ "/system.slice/cron.service", NULL, NULL, "cron.service" },
		{ "/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope", NULL, NULL,
		  "x.scope" },
		{ "/system.slice/docker-" ID64 "0.scope", NULL, NULL, "docker-" ID64 "0.scope" },
		{ "/system.slice/docker-ABCDEF.scope", NULL, NULL, "docker-ABCDEF.scope" },
		/* Upper-case hex is not what any runtime writes. */
		{ "/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
		  NULL, NULL },
		{ "/" ID64, ID64, NULL, NULL }, /* an id, runtime unknown */
		{ "/.service", NULL, NULL, NULL },
		{ "//system.slice//a.service/", NULL, NULL, "a.service" },
		{ "/", NULL, NULL, NULL },
		{ "", NULL, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	struct stk_container_of sc;
	size_t i;
	char unit[256];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stk_container_of(cases[i].cgroup, &sc);
		assert_string_equal(sc.container, cases[i].container ? cases[i].container : "");
		if (cases[i].runtime)
			assert_string_equal(sc.runtime, cases[i].runtime);
		else
			assert_null(sc.runtime);
		if (cases[i].unit) {
			assert_non_null(sc.unit);
			assert_true(sc.unit_len < sizeof(unit));
			memcpy(unit, sc.unit, sc.unit_len);
			unit[sc.unit_len] = '\0';
			assert_string_equal(unit, cases[i].unit);
		} else {
			assert_null(sc.unit);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
