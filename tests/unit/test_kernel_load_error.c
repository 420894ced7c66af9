/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_kernel_load_error.c - what a refused program load tells the user:
 * a privilege or sandbox refusal, the verifier's (or a security module's),
 * a program too complex for the verifier, and a kernel that lacks what the
 * programs need, each its own advice.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel_check.h"

static void not_permitted_names_privileges_and_sandboxes(void **state)
{
	char why[512];

	(void)state;
	stk_kernel_load_error(-EPERM, why, sizeof(why));
	assert_non_null(strstr(why, "refused to load"));
	assert_non_null(strstr(why, "CAP_BPF"));
	assert_non_null(strstr(why, "lockdown"));
	assert_null(strstr(why, "verifier"));
}

static void access_denied_names_the_verifier_and_security_modules(void **state)
{
	char why[512];

	(void)state;
	stk_kernel_load_error(-EACCES, why, sizeof(why));
	assert_non_null(strstr(why, "verifier's log"));
	assert_non_null(strstr(why, "SELinux"));
	assert_null(strstr(why, "must run as root"));
}

static void too_complex_names_the_verifier(void **state)
{
	char why[512];

	(void)state;
	stk_kernel_load_error(-E2BIG, why, sizeof(why));
	assert_non_null(strstr(why, "verifier gave up"));
	assert_non_null(strstr(why, "does not fit this kernel"));
}

static void missing_support_names_the_kernel(void **state)
{
	char why[512];

	(void)state;
	stk_kernel_load_error(-EINVAL, why, sizeof(why));
	assert_non_null(strstr(why, "6.1"));
	stk_kernel_load_error(-ENOMEM, why, sizeof(why));
	assert_non_null(strstr(why, strerror(ENOMEM)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_permitted_names_privileges_and_sandboxes),
		cmocka_unit_test(access_denied_names_the_verifier_and_security_modules),
		cmocka_unit_test(too_complex_names_the_verifier),
		cmocka_unit_test(missing_support_names_the_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
