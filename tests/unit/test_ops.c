/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_ops.c - the capabilities, kernel and sockets sections: what they
 * read, every error and warning at its position, and how the compiler
 * combines policies into one slot per name with a rule each.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse_case.h"
#include "policy.h"

#define HEAD "{ \"stockade\": 1, \"name\": \"t\",\n  "

#define CAPS_EXPECTED "(expected one of CAP_CHOWN, CAP_DAC_OVERRIDE, ... CAP_CHECKPOINT_RESTORE)"
#define SOCK_EXPECTED                                                                        \
	"(expected raw, unix, inet, ax25, ipx, appletalk, x25, inet6, key, netlink, packet, " \
	"rds, llc, ib, mpls, can, tipc, bluetooth, rxrpc, isdn, phonet, ieee802154, caif, "   \
	"alg, nfc, vsock, kcm, qipcrtr, smc, xdp or mctp)"

static const struct one_case cases[] = {
	{ HEAD "\"capabilities\": []}", "[]", 0, STK_SEV_ERROR,
	  "wrong type for 'capabilities': expected object, got array" },
	{ HEAD "\"capabilities\": {\"deny\": \"CAP_BPF\"}}", "\"CAP_BPF\"", 0, STK_SEV_ERROR,
	  "wrong type for 'deny': expected array, got string" },
	{ HEAD "\"capabilities\": {\"deny\": []}}", "[]", 0, STK_SEV_ERROR,
	  "'deny' must not be empty" },
	{ HEAD "\"capabilities\": {\"deny\": [\"CAP_BPF\", 7]}}", "7", 0, STK_SEV_ERROR,
	  "wrong type for capability: expected string, got integer" },
	{ HEAD "\"capabilities\": {\"deny\": [\"CAP_NET_RAW\",\n \"CAP_FOO\"]}}", "\"CAP_FOO", 0,
	  STK_SEV_ERROR, "unknown capability 'CAP_FOO' " CAPS_EXPECTED },
	{ HEAD "\"capabilities\": {\"audit\": [\"cap_net_raw\"]}}", "\"cap_", 0, STK_SEV_ERROR,
	  "unknown capability 'cap_net_raw' " CAPS_EXPECTED },
	{ HEAD "\"capabilities\": {\"deny\": [\"CAP_BPF\"], \"audit\": [\"CAP_BPF\"]}}",
	  "\"CAP_BPF\"", 1, STK_SEV_ERROR,
	  "capability 'CAP_BPF' is listed in both 'deny' and 'audit' of 'capabilities'" },
	{ HEAD "\"capabilities\": {\"deny\": [\"CAP_BPF\", \"CAP_BPF\"]}}", "\"CAP_BPF\"", 1,
	  STK_SEV_WARNING, "capability 'CAP_BPF' is listed twice in 'capabilities'" },
	{ HEAD "\"capabilities\": {\"deny\": [\"CAP_BPF\"], \"mode\": \"off\"}}", "\"off\"", 0,
	  STK_SEV_ERROR, "unknown mode 'off' (expected enforce or complain)" },
	{ HEAD "\"kernel\": {\"allow\": [\"bpf\"]}}", "\"allow\"", 0, STK_SEV_ERROR,
	  "unknown key 'allow' in 'kernel' (allowed: deny, audit, mode)" },
	{ HEAD "\"kernel\": {\"deny\": [\"modules\"]}}", "\"modules\"", 0, STK_SEV_ERROR,
	  "unknown kernel operation 'modules' (expected module_load, bpf, mount, ptrace or kexec)" },
	{ HEAD "\"kernel\": {\"deny\": [\"bpf\", \"mount\", \"bpf\"]}}", "\"bpf\"", 1,
	  STK_SEV_WARNING, "kernel operation 'bpf' is listed twice in 'kernel'" },
	{ HEAD "\"kernel\": 1}", "1}", 0, STK_SEV_ERROR,
	  "wrong type for 'kernel': expected object, got integer" },
	{ HEAD "\"sockets\": {\"deny\": [\"ipv6\"]}}", "\"ipv6\"", 0, STK_SEV_ERROR,
	  "unknown socket kind 'ipv6' " SOCK_EXPECTED },
	{ HEAD "\"sockets\": {\"audit\": [\"raw\"],\n \"deny\": [\"raw\"]}}", "\"raw\"", 1,
	  STK_SEV_ERROR, "socket kind 'raw' is listed in both 'deny' and 'audit' of 'sockets'" },
	{ HEAD "\"sockets\": {\"deny\": {}}}", "{}", 0, STK_SEV_ERROR,
	  "wrong type for 'deny': expected array, got object" },
	{ HEAD "\"files\": {\"rules\": [{\"id\": \"mount\", \"paths\": [\"/x\"],"
	  " \"access\": [\"read\"], \"action\": \"deny\"}]},\n"
	  "  \"kernel\": {\"deny\": [\"mount\"]}}", "\"mount\"", 0, STK_SEV_ERROR,
	  "rule id 'mount' is also a name in 'kernel' (at 3:23); rule ids are unique per policy" },
};

static void every_error_at_its_position(void **state)
{
	(void)state;
	RUN_CASES(cases);
}

static void sections_are_read(void **state)
{
	struct stk_policy *p;
	(void)state;

	p = parse_ok(HEAD "\"capabilities\": {\"deny\": [\"CAP_SYS_ADMIN\", \"CAP_CHECKPOINT_RESTORE\"],"
		     " \"audit\": [\"CAP_CHOWN\"]},\n"
		     "  \"kernel\": {\"deny\": [\"module_load\", \"bpf\", \"mount\", \"ptrace\", \"kexec\"]},\n"
		     "  \"sockets\": {\"deny\": [\"raw\", \"packet\"], \"mode\": \"complain\"} }");
	assert_int_equal(p->caps.n, 3);
	assert_int_equal(p->caps.items[0].which, 21);
	assert_int_equal(p->caps.items[0].action, STK_ACT_DENY);
	assert_int_equal(p->caps.items[1].which, 40);
	assert_int_equal(p->caps.items[2].which, 0);
	assert_int_equal(p->caps.items[2].action, STK_ACT_AUDIT);
	assert_int_equal(p->caps.mode, STK_MODE_INHERIT);
	assert_int_equal(p->kernel.n, 5);
	assert_int_equal(p->kernel.items[4].which, STK_KOP_KEXEC);
	assert_int_equal(p->sockets.n, 2);
	assert_int_equal(p->sockets.mode, STK_MODE_COMPLAIN);
	assert_int_equal(p->caps.items[0].pos.line, 2);
	stk_policy_free(p);
}

static void names_both_ways(void **state)
{
	(void)state;
	assert_string_equal(stk_cap_name(0), "CAP_CHOWN");
	assert_string_equal(stk_cap_name(13), "CAP_NET_RAW");
	assert_string_equal(stk_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_null(stk_cap_name(41));
	assert_string_equal(stk_kernel_op_name(STK_KOP_MOUNT), "mount");
	assert_null(stk_kernel_op_name(STK_KOP_COUNT));
	assert_string_equal(stk_sock_family_name(10), "inet6");
	assert_string_equal(stk_sock_family_name(17), "packet");
	assert_string_equal(stk_sock_family_name(44), "xdp");
	assert_null(stk_sock_family_name(0));
	assert_null(stk_sock_family_name(63));
}

static struct stk_compiled *compile(struct stk_policy **pols, size_t n)
{
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };

	assert_int_equal(stk_compile(pols, n, &c, &d), 0);
	assert_int_equal(d.n, 0);
	stk_diags_free(&d);
	return c;
}

static void assert_slot(const struct stk_compiled *c, const struct stk_op_verdict *v,
			uint8_t action, const char *policy, const char *id)
{
	assert_int_equal(v->action, action);
	if (action == STK_ACT_NONE) {
		assert_int_equal(v->rule, STK_RULE_NONE);
		return;
	}
	assert_true(v->rule < c->n_rules);
	assert_string_equal(c->rules[v->rule].policy, policy);
	assert_string_equal(c->rules[v->rule].id, id);
}

static void policies_combine_into_slots(void **state)
{
	struct stk_policy *pols[2];
	struct stk_compiled *c;
	size_t i;
	(void)state;

	pols[0] = parse_ok(HEAD "\"files\": {\"rules\": [{\"id\": \"r1\", \"paths\": [\"/x\"],"
			   " \"access\": [\"read\"], \"action\": \"deny\"}]},\n"
			   "  \"capabilities\": {\"deny\": [\"CAP_SYS_ADMIN\"], \"audit\": [\"CAP_NET_RAW\"]},\n"
			   "  \"sockets\": {\"audit\": [\"inet6\"]} }");
	pols[1] = parse_ok("{ \"stockade\": 1, \"name\": \"u\", \"mode\": \"complain\",\n"
			   "  \"capabilities\": {\"deny\": [\"CAP_NET_RAW\", \"CAP_SYS_ADMIN\"]},\n"
			   "  \"kernel\": {\"deny\": [\"ptrace\"]},\n"
			   "  \"sockets\": {\"mode\": \"enforce\", \"deny\": [\"raw\", \"inet6\"]} }");
	c = compile(pols, 2);

	/* File rule indexes keep their meaning. */
	assert_string_equal(c->rules[0].id, "default");
	assert_string_equal(c->rules[1].policy, "t");
	assert_string_equal(c->rules[1].id, "r1");
	assert_int_equal(c->n_rules, 3 + 3 + 1 + 1 + 2 + 1);

	/* Enforced deny (t) beats complain deny (u). */
	assert_slot(c, &c->ops.cap[21], STK_ACT_DENY, "t", "CAP_SYS_ADMIN");
	/* Complain deny (u) beats audit (t). */
	assert_slot(c, &c->ops.cap[13], STK_ACT_DENY | STK_ACT_COMPLAIN, "u", "CAP_NET_RAW");
	assert_slot(c, &c->ops.cap[0], STK_ACT_NONE, NULL, NULL);
	assert_slot(c, &c->ops.kernel_op[STK_KOP_PTRACE], STK_ACT_DENY | STK_ACT_COMPLAIN, "u",
		    "ptrace");
	assert_slot(c, &c->ops.kernel_op[STK_KOP_BPF], STK_ACT_NONE, NULL, NULL);
	/* The section's own mode overrides the policy's. */
	assert_slot(c, &c->ops.sock_raw, STK_ACT_DENY, "u", "raw");
	assert_slot(c, &c->ops.sock_family[10], STK_ACT_DENY, "u", "inet6");
	assert_slot(c, &c->ops.sock_family[17], STK_ACT_NONE, NULL, NULL);
	/* The file table is untouched by all this. */
	assert_int_equal(c->n_paths, 1);

	stk_compiled_free(c);
	for (i = 0; i < 2; i++)
		stk_policy_free(pols[i]);
}

static void same_severity_earlier_policy_wins(void **state)
{
	struct stk_policy *pols[2];
	struct stk_compiled *c;
	(void)state;

	pols[0] = parse_ok(HEAD "\"kernel\": {\"deny\": [\"mount\"]} }");
	pols[1] = parse_ok("{ \"stockade\": 1, \"name\": \"u\", \"kernel\": {\"deny\": [\"mount\"]} }");
	c = compile(pols, 2);
	assert_slot(c, &c->ops.kernel_op[STK_KOP_MOUNT], STK_ACT_DENY, "t", "mount");
	stk_compiled_free(c);
	stk_policy_free(pols[0]);
	stk_policy_free(pols[1]);
}

static void no_sections_no_slots(void **state)
{
	struct stk_policy *p = parse_ok(HEAD "\"mode\": \"enforce\" }");
	struct stk_compiled *c;
	size_t i;
	(void)state;

	c = compile(&p, 1);
	assert_int_equal(c->n_rules, 1);
	for (i = 0; i < STK_CAP_SLOTS; i++)
		assert_slot(c, &c->ops.cap[i], STK_ACT_NONE, NULL, NULL);
	for (i = 0; i < STK_SOCK_FAMILY_SLOTS; i++)
		assert_slot(c, &c->ops.sock_family[i], STK_ACT_NONE, NULL, NULL);
	assert_slot(c, &c->ops.sock_raw, STK_ACT_NONE, NULL, NULL);
	stk_compiled_free(c);
	stk_policy_free(p);

	/* No policy at all. */
	c = compile(NULL, 0);
	assert_slot(c, &c->ops.kernel_op[STK_KOP_BPF], STK_ACT_NONE, NULL, NULL);
	stk_compiled_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_error_at_its_position),
		cmocka_unit_test(sections_are_read),
		cmocka_unit_test(names_both_ways),
		cmocka_unit_test(policies_combine_into_slots),
		cmocka_unit_test(same_severity_earlier_policy_wins),
		cmocka_unit_test(no_sections_no_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
