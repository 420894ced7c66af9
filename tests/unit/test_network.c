/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * test_network.c - the "network" section: valid documents, every error at
 * its exact position, and the compiled tables' decisions (most specific
 * match, several policies, IPv4-mapped addresses, 100,000 CIDRs), read
 * back with stk_explain_net(), which does what the kernel does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "network.h"
#include "parse_case.h"
#include "policy.h"

#define HEAD "{ \"stockade\": 1, \"name\": \"n\",\n  \"network\": "

static const char issue[] =
	HEAD "{\n"
	"    \"connect\": { \"default\": \"deny\", \"rules\": [\n"
	"      { \"id\": \"db\", \"cidrs\": [\"10.0.0.0/8\", \"fd00::/8\"], \"ports\": [\"5432\"], \"protocols\": [\"tcp\"], \"action\": \"allow\" },\n"
	"      { \"id\": \"dns\", \"cidrs\": [\"127.0.0.53/32\"], \"ports\": [\"53\"], \"protocols\": [\"udp\", \"tcp\"], \"action\": \"allow\" } ] },\n"
	"    \"bind\": { \"default\": \"allow\", \"rules\": [ { \"id\": \"no-low-ports\", \"ports\": [\"1-1023\"], \"action\": \"deny\" } ] } } }\n";

static void valid_issue_example(void **state)
{
	struct stk_policy *p;
	const struct stk_net_rule *r;

	(void)state;
	p = parse_ok(issue);
	assert_true(p->network.present);
	assert_int_equal(p->network.dir[STK_NET_CONNECT].def, STK_ACT_DENY);
	assert_int_equal(p->network.dir[STK_NET_CONNECT].n_rules, 2);
	r = &p->network.dir[STK_NET_CONNECT].rules[0];
	assert_string_equal(r->id, "db");
	assert_int_equal(r->n_cidrs, 2);
	assert_int_equal(r->cidrs[0].family, 4);
	assert_int_equal(r->cidrs[0].plen, 8);
	assert_int_equal(r->cidrs[0].addr[0], 10);
	assert_int_equal(r->cidrs[1].family, 6);
	assert_int_equal(r->cidrs[1].addr[0], 0xfd);
	assert_int_equal(r->n_ports, 1);
	assert_int_equal(r->ports[0].lo, 5432);
	assert_int_equal(r->ports[0].hi, 5432);
	assert_int_equal(r->protocols, 1u << STK_NPROTO_TCP);
	assert_int_equal(r->action, STK_ACT_ALLOW);
	r = &p->network.dir[STK_NET_CONNECT].rules[1];
	assert_int_equal(r->protocols, 3);
	r = &p->network.dir[STK_NET_BIND].rules[0];
	assert_int_equal(p->network.dir[STK_NET_BIND].def, STK_ACT_ALLOW);
	assert_int_equal(r->n_cidrs, 0);
	assert_int_equal(r->ports[0].lo, 1);
	assert_int_equal(r->ports[0].hi, 1023);
	assert_int_equal(r->protocols, 3); /* none named: both a bind judges */
	stk_policy_free(p);
}

/* A whole document whose "network" is @x. */
#define NET(x) HEAD x " }\n"

#define RULE(x) "{ \"connect\": { \"rules\": [ { \"id\": \"r\", " x " } ] } }"

static const struct one_case err_cases[] = {
	{ NET(RULE("\"cidrs\": [\"10.0.0.300/8\"], \"action\": \"deny\"")),
	  "\"10.0.0.300", 0, ERR,
	  "invalid CIDR '10.0.0.300/8': '10.0.0.300' is not an IPv4 or IPv6 address" },
	{ NET(RULE("\"cidrs\": [\"10.0.0.0/33\"], \"action\": \"deny\"")),
	  "\"10.0.0.0/33", 0, ERR,
	  "invalid prefix length in CIDR '10.0.0.0/33': expected 0 to 32" },
	{ NET(RULE("\"cidrs\": [\"fd00::/129\"], \"action\": \"deny\"")),
	  "\"fd00", 0, ERR,
	  "invalid prefix length in CIDR 'fd00::/129': expected 0 to 128" },
	{ NET(RULE("\"cidrs\": [\"10.0.0.0/\"], \"action\": \"deny\"")),
	  "\"10.0.0.0/", 0, ERR,
	  "invalid prefix length in CIDR '10.0.0.0/': expected 0 to 32" },
	{ NET(RULE("\"cidrs\": [\"10.0.0.0/8x\"], \"action\": \"deny\"")),
	  "\"10.0.0.0/8x", 0, ERR,
	  "invalid prefix length in CIDR '10.0.0.0/8x': expected 0 to 32" },
	{ NET(RULE("\"cidrs\": [\"/8\"], \"action\": \"deny\"")),
	  "\"/8", 0, ERR,
	  "invalid CIDR '/8': expected an IPv4 or IPv6 address" },
	{ NET(RULE("\"cidrs\": [\"10.1.2.3/8\"], \"action\": \"deny\"")),
	  "\"10.1.2.3", 0, ERR,
	  "CIDR '10.1.2.3/8' has host bits set (did you mean '10.0.0.0/8'?)" },
	{ NET(RULE("\"cidrs\": [\"fd00::1/8\"], \"action\": \"deny\"")),
	  "\"fd00", 0, ERR,
	  "CIDR 'fd00::1/8' has host bits set (did you mean 'fd00::/8'?)" },
	{ NET(RULE("\"cidrs\": [10], \"action\": \"deny\"")),
	  "10]", 0, ERR,
	  "wrong type for cidrs[0]: expected string, got integer" },
	{ NET(RULE("\"cidrs\": [], \"action\": \"deny\"")),
	  "[]", 0, ERR,
	  "'cidrs' must not be empty" },
	{ NET(RULE("\"ports\": [\"0\"], \"action\": \"deny\"")),
	  "\"0\"", 0, ERR,
	  "port 0 is not a port a rule can name (ports are 1 to 65535)" },
	{ NET(RULE("\"ports\": [0], \"action\": \"deny\"")),
	  "0]", 0, ERR,
	  "port 0 is not a port a rule can name (ports are 1 to 65535)" },
	{ NET(RULE("\"ports\": [\"70000\"], \"action\": \"deny\"")),
	  "\"70000", 0, ERR,
	  "port 70000 is out of range (ports are 1 to 65535)" },
	{ NET(RULE("\"ports\": [70000], \"action\": \"deny\"")),
	  "70000", 0, ERR,
	  "port 65536 is out of range (ports are 1 to 65535)" },
	{ NET(RULE("\"ports\": [-1], \"action\": \"deny\"")),
	  "-1", 0, ERR,
	  "port -1 is out of range (ports are 1 to 65535)" },
	{ NET(RULE("\"ports\": [\"1-65536\"], \"action\": \"deny\"")),
	  "\"1-65536", 0, ERR,
	  "port 65536 is out of range (ports are 1 to 65535)" },
	{ NET(RULE("\"ports\": [\"1023-1\"], \"action\": \"deny\"")),
	  "\"1023-1", 0, ERR,
	  "port range '1023-1' is reversed (did you mean '1-1023'?)" },
	{ NET(RULE("\"ports\": [\"http\"], \"action\": \"deny\"")),
	  "\"http", 0, ERR,
	  "invalid port 'http': expected a port (1 to 65535) or a range 'a-b'" },
	{ NET(RULE("\"ports\": [\"1-\"], \"action\": \"deny\"")),
	  "\"1-", 0, ERR,
	  "invalid port '1-': expected a port (1 to 65535) or a range 'a-b'" },
	{ NET(RULE("\"ports\": [true], \"action\": \"deny\"")),
	  "true", 0, ERR,
	  "wrong type for port: expected string, got boolean" },
	{ NET(RULE("\"protocols\": [\"icmp\"], \"action\": \"deny\"")),
	  "\"icmp", 0, ERR,
	  "unknown protocol 'icmp' (expected tcp, udp or other)" },
	{ NET(RULE("\"ports\": [\"7\"], \"protocols\": [\"tcp\", \"other\"], \"action\": \"deny\"")),
	  "\"other", 0, ERR,
	  "protocol 'other' has no ports: a rule with 'ports' never matches it" },
	{ NET("{ \"bind\": { \"rules\": [ { \"id\": \"b\", \"protocols\": [\"other\"], \"action\": \"deny\" } ] } }"),
	  "\"other", 0, ERR,
	  "protocol 'other' is judged on connect only: the kernel binds such sockets without asking" },
	{ NET(RULE("\"protocols\": [\"tcp\", \"tcp\"], \"action\": \"deny\"")),
	  "\"tcp\"]", 0, WARN,
	  "protocol 'tcp' is listed twice" },
	{ NET(RULE("\"action\": \"block\"")),
	  "\"block", 0, ERR,
	  "unknown action 'block' (expected allow, audit or deny)" },
	{ NET(RULE("\"cidr\": [\"10.0.0.0/8\"], \"action\": \"deny\"")),
	  "\"cidr\"", 0, ERR,
	  "unknown key 'cidr' in 'connect' rules[0] (allowed: id, cidrs, ports, protocols, action, "
	  "mode, alert)" },
	{ NET("{ \"bind\": { \"rules\": [ { \"id\": \"default\", \"action\": \"deny\" } ] } }"),
	  "\"default\"", 0, ERR,
	  "rule id 'default' is reserved for the policy's default" },
	{ NET("{ \"connect\": { \"default\": \"audit\" } }"),
	  "\"audit", 0, ERR,
	  "unknown default 'audit' (expected allow or deny)" },
	{ NET("{ \"listen\": {} }"),
	  "\"listen", 0, ERR,
	  "unknown key 'listen' in 'network' (allowed: connect, bind)" },
	{ NET("[]"),
	  "[]", 0, ERR,
	  "wrong type for 'network': expected object, got array" },
	{ NET("{ \"connect\": { \"rules\": [ { \"id\": \"a\", \"action\": \"deny\" } ] },"
	  " \"bind\": { \"rules\": [ { \"id\": \"a\", \"action\": \"deny\" } ] } }"),
	  "\"a\"", 1, ERR,
	  "duplicate rule id 'a' (first used at line 2)" },
	{ NET("{ \"bind\": { \"rules\": [ { \"action\": \"deny\" } ] } }"),
	  "{ \"action", 0, ERR,
	  "missing required key 'id' in 'bind' rules[0]" },
};

static void errors_at_their_position(void **state)
{
	(void)state;
	RUN_CASES(err_cases);
}

static struct stk_compiled *compile(const char *const *texts, size_t n)
{
	struct stk_policy *pols[8];
	struct stk_compiled *c = NULL;
	struct stk_diags d = { 0 };
	size_t i;

	assert_true(n <= 8);
	for (i = 0; i < n; i++)
		pols[i] = parse_ok(texts[i]);
	assert_int_equal(stk_compile(pols, n, &c, &d), 0);
	for (i = 0; i < n; i++)
		stk_policy_free(pols[i]);
	stk_diags_free(&d);
	return c;
}

/* The decision for @addr (text) : @port, as "action rule-id" ("deny default"). */
static const char *decide(const struct stk_compiled *c, enum stk_net_dir dir, const char *addr,
			  uint16_t port, enum stk_net_proto proto)
{
	static char out[128];
	struct stk_decision dec;
	uint8_t a[16] = { 0 };
	int family = strchr(addr, ':') ? 6 : 4;

	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, a), 1);
	assert_int_equal(stk_explain_net(c, dir, family, a, port, proto, &dec), 0);
	assert_true(dec.rule < c->n_rules);
	snprintf(out, sizeof(out), "%s%s %s", stk_action_name(dec.action & STK_ACT_MASK),
		 dec.action & STK_ACT_COMPLAIN ? "(complain)" : "", c->rules[dec.rule].id);
	return out;
}

#define TCP STK_NPROTO_TCP
#define UDP STK_NPROTO_UDP
#define OTHER STK_NPROTO_OTHER
#define CONNECT STK_NET_CONNECT
#define BIND STK_NET_BIND

static void issue_example_decisions(void **state)
{
	const char *t[] = { issue };
	struct stk_compiled *c = compile(t, 1);

	(void)state;
	assert_true(c->net->present);
	assert_string_equal(decide(c, CONNECT, "10.1.2.3", 5432, TCP), "allow db");
	assert_string_equal(decide(c, CONNECT, "10.1.2.3", 5432, UDP), "deny default");
	assert_string_equal(decide(c, CONNECT, "10.1.2.3", 5433, TCP), "deny default");
	assert_string_equal(decide(c, CONNECT, "11.1.2.3", 5432, TCP), "deny default");
	assert_string_equal(decide(c, CONNECT, "fd12::1", 5432, TCP), "allow db");
	assert_string_equal(decide(c, CONNECT, "fe80::1", 5432, TCP), "deny default");
	assert_string_equal(decide(c, CONNECT, "127.0.0.53", 53, UDP), "allow dns");
	assert_string_equal(decide(c, CONNECT, "127.0.0.53", 53, TCP), "allow dns");
	assert_string_equal(decide(c, CONNECT, "127.0.0.54", 53, UDP), "deny default");
	/* IPv4-mapped IPv6 is judged as IPv4. */
	assert_string_equal(decide(c, CONNECT, "::ffff:10.9.9.9", 5432, TCP), "allow db");
	assert_string_equal(decide(c, CONNECT, "::ffff:127.0.0.53", 53, UDP), "allow dns");
	assert_string_equal(decide(c, BIND, "0.0.0.0", 80, TCP), "deny no-low-ports");
	assert_string_equal(decide(c, BIND, "::", 1023, UDP), "deny no-low-ports");
	assert_string_equal(decide(c, BIND, "::", 1024, UDP), "allow default");
	assert_string_equal(decide(c, BIND, "127.0.0.1", 0, TCP), "allow default");
	/* The rule table names policy and rule for events; the file rules keep their places. */
	assert_string_equal(c->rules[0].id, "default");
	assert_string_equal(c->rules[0].policy, "n");
	stk_compiled_free(c);
}

static void most_specific_match_wins(void **state)
{
	const char *t[] = { HEAD "{ \"connect\": { \"default\": \"allow\", \"rules\": [\n"
			       "  { \"id\": \"wide\", \"cidrs\": [\"10.0.0.0/8\"], \"action\": \"deny\" },\n"
			       "  { \"id\": \"web\", \"cidrs\": [\"10.1.0.0/16\"], \"ports\": [\"443\"], \"action\": \"allow\" },\n"
			       "  { \"id\": \"all-ports\", \"ports\": [\"1-65535\"], \"action\": \"audit\" },\n"
			       "  { \"id\": \"ssh\", \"ports\": [\"22\"], \"action\": \"deny\" },\n"
			       "  { \"id\": \"range\", \"ports\": [\"8000-8999\"], \"action\": \"allow\" },\n"
			       "  { \"id\": \"narrow\", \"ports\": [\"8080-8081\"], \"action\": \"deny\" },\n"
			       "  { \"id\": \"tie-allow\", \"cidrs\": [\"192.168.0.0/16\"], \"ports\": [\"25\"], \"action\": \"allow\" },\n"
			       "  { \"id\": \"tie-deny\", \"cidrs\": [\"192.168.0.0/16\"], \"ports\": [\"25\"], \"action\": \"deny\" },\n"
			       "  { \"id\": \"mapped\", \"cidrs\": [\"::ffff:172.16.0.0/108\"], \"action\": \"deny\" } ] } } }\n" };
	struct stk_compiled *c = compile(t, 1);

	(void)state;
	/* The longer prefix decides where its rule matches ... */
	assert_string_equal(decide(c, CONNECT, "10.1.2.3", 443, TCP), "allow web");
	/* ... and where it does not (another port), the next shorter prefix does. */
	assert_string_equal(decide(c, CONNECT, "10.1.2.3", 80, TCP), "deny wide");
	assert_string_equal(decide(c, CONNECT, "10.2.0.1", 443, TCP), "deny wide");
	/* Same prefix (/0): the narrowest port range decides. */
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 22, TCP), "deny ssh");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 21, UDP), "audit all-ports");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 8000, TCP), "allow range");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 8080, TCP), "deny narrow");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 8081, TCP), "deny narrow");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 8082, TCP), "allow range");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 8999, TCP), "allow range");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 9000, TCP), "audit all-ports");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 65535, TCP), "audit all-ports");
	/* Port 0 is outside every range a rule can name. */
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 0, TCP), "allow default");
	assert_string_equal(decide(c, CONNECT, "2001:db8::1", 22, TCP), "deny ssh");
	/* A tie: the more severe. */
	assert_string_equal(decide(c, CONNECT, "192.168.1.1", 25, TCP), "deny tie-deny");
	/* A CIDR of IPv4-mapped IPv6 addresses is an IPv4 CIDR. */
	assert_string_equal(decide(c, CONNECT, "172.16.3.4", 8000, TCP), "deny mapped");
	assert_string_equal(decide(c, CONNECT, "::ffff:172.16.3.4", 8000, TCP), "deny mapped");
	assert_string_equal(decide(c, CONNECT, "172.32.3.4", 8000, TCP), "allow range");
	stk_compiled_free(c);
}

/* ICMP, SCTP, UDP-Lite and raw IP: judged by address, as port 0. */
static void other_protocols_by_address(void **state)
{
	const char *t[] = { HEAD "{ \"connect\": { \"default\": \"deny\", \"rules\": [\n"
			       "  { \"id\": \"lan\", \"cidrs\": [\"10.0.0.0/8\"], \"action\": \"allow\" },\n"
			       "  { \"id\": \"gw\", \"cidrs\": [\"192.168.1.1\"], \"protocols\": [\"other\"], \"action\": \"allow\" },\n"
			       "  { \"id\": \"web\", \"ports\": [\"443\"], \"action\": \"allow\" },\n"
			       "  { \"id\": \"tcp-only\", \"cidrs\": [\"172.16.0.0/12\"], \"protocols\": [\"tcp\", \"udp\"], \"action\": \"allow\" } ] },\n"
			       "  \"bind\": { \"rules\": [ { \"id\": \"b\", \"action\": \"audit\" } ] } } }\n" };
	struct stk_compiled *c = compile(t, 1);
	struct stk_policy *p = NULL;
	struct stk_diags d = { 0 };

	(void)state;
	/* A rule naming no protocol names all three; on bind, the two a bind judges. */
	assert_int_equal(stk_policy_parse("t.json", t[0], strlen(t[0]), &p, &d), 0);
	assert_int_equal(p->network.dir[CONNECT].rules[0].protocols, 7);
	assert_int_equal(p->network.dir[CONNECT].rules[1].protocols, 1u << OTHER);
	assert_int_equal(p->network.dir[BIND].rules[0].protocols, 3);
	stk_policy_free(p);
	stk_diags_free(&d);
	assert_string_equal(decide(c, CONNECT, "10.1.2.3", 0, OTHER), "allow lan");
	assert_string_equal(decide(c, CONNECT, "::ffff:10.0.0.1", 0, OTHER), "allow lan");
	assert_string_equal(decide(c, CONNECT, "192.168.1.1", 0, OTHER), "allow gw");
	assert_string_equal(decide(c, CONNECT, "192.168.1.1", 80, TCP), "deny default");
	/* A rule with ports never matches: other protocols have none. */
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 0, OTHER), "deny default");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 443, TCP), "allow web");
	assert_string_equal(decide(c, CONNECT, "172.16.0.1", 0, OTHER), "deny default");
	assert_string_equal(decide(c, CONNECT, "172.16.0.1", 0, UDP), "allow tcp-only");
	stk_compiled_free(c);
}

static void policies_combine_most_severe(void **state)
{
	const char *t[] = {
		"{ \"stockade\": 1, \"name\": \"files-only\", \"files\": { \"default\": \"allow\","
		" \"rules\": [ { \"id\": \"f\", \"paths\": [\"/etc/shadow\"], \"access\": [\"read\"],"
		" \"action\": \"deny\" } ] } }",
		"{ \"stockade\": 1, \"name\": \"a\", \"network\": { \"connect\": { \"default\": \"allow\","
		" \"rules\": [ { \"id\": \"a-web\", \"ports\": [\"80\"], \"action\": \"audit\" } ] } } }",
		"{ \"stockade\": 1, \"name\": \"b\", \"mode\": \"complain\", \"network\": {"
		" \"connect\": { \"default\": \"allow\", \"rules\": [ { \"id\": \"b-web\", \"cidrs\":"
		" [\"10.0.0.0/8\"], \"ports\": [\"80\"], \"action\": \"deny\" } ] },"
		" \"bind\": { \"default\": \"deny\" } } }",
	};
	struct stk_compiled *c = compile(t, 3);

	(void)state;
	/* The file rule keeps its index; network rules come after. */
	assert_string_equal(c->rules[1].id, "f");
	assert_string_equal(c->rules[1].policy, "files-only");
	assert_string_equal(decide(c, CONNECT, "8.8.8.8", 80, TCP), "audit a-web");
	assert_string_equal(decide(c, CONNECT, "10.0.0.1", 80, TCP), "deny(complain) b-web");
	assert_string_equal(decide(c, CONNECT, "10.0.0.1", 81, TCP), "allow default");
	assert_string_equal(decide(c, BIND, "0.0.0.0", 8080, TCP), "deny(complain) default");
	stk_compiled_free(c);
}

static void no_network_section(void **state)
{
	const char *t[] = { "{ \"stockade\": 1, \"name\": \"x\" }" };
	struct stk_compiled *c = compile(t, 1);
	struct stk_decision dec;
	uint8_t a[4] = { 1, 2, 3, 4 };

	(void)state;
	assert_non_null(c->net);
	assert_false(c->net->present);
	assert_int_equal(stk_explain_net(c, CONNECT, 4, a, 80, TCP, &dec), 0);
	assert_int_equal(dec.action, STK_ACT_ALLOW);
	assert_int_equal(stk_explain_net(c, STK_NET_SENDMSG, 4, a, 80, TCP, &dec), -EINVAL);
	stk_compiled_free(c);
}

static void hundred_thousand_cidrs(void **state)
{
	size_t n = 100000, i, len = 0, cap = n * 48 + 1024;
	char *text = malloc(cap);
	const char *t[1];
	struct stk_compiled *c;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
				HEAD "{ \"connect\": { \"default\": \"deny\", \"rules\": [\n"
				     "{ \"id\": \"v4\", \"ports\": [\"443\", \"8000-8100\"], \"cidrs\": [");
	for (i = 0; i < n / 2; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s\"10.%zu.%zu.%zu/32\"",
					i ? "," : "", i >> 16, (i >> 8) & 0xff, i & 0xff);
	len += (size_t)snprintf(text + len, cap - len,
				"], \"action\": \"allow\" },\n{ \"id\": \"v6\", \"cidrs\": [");
	for (i = 0; i < n / 2; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s\"2001:db8:%zx:%zx::/64\"",
					i ? "," : "", i >> 8, i & 0xff);
	snprintf(text + len, cap - len, "], \"action\": \"allow\" } ] } } }\n");
	t[0] = text;
	c = compile(t, 1);
	free(text);
	/* One entry per CIDR plus /0 per family and direction; equal classes are shared. */
	assert_int_equal(c->net->n_v4, n / 2 + 2);
	assert_int_equal(c->net->n_v6, n / 2 + 2);
	assert_true(c->net->n_classes / STK_NPROTO_COUNT <= 4);
	assert_string_equal(decide(c, CONNECT, "10.0.100.80", 443, TCP), "allow v4");
	assert_string_equal(decide(c, CONNECT, "10.0.100.80", 8050, UDP), "allow v4");
	assert_string_equal(decide(c, CONNECT, "10.0.100.80", 444, TCP), "deny default");
	assert_string_equal(decide(c, CONNECT, "10.1.0.0", 443, TCP), "deny default");
	assert_string_equal(decide(c, CONNECT, "2001:db8:64:50::9", 1, TCP), "allow v6");
	assert_string_equal(decide(c, CONNECT, "2001:db8:c4:50::9", 1, TCP), "deny default");
	stk_compiled_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_issue_example),
		cmocka_unit_test(errors_at_their_position),
		cmocka_unit_test(issue_example_decisions),
		cmocka_unit_test(most_specific_match_wins),
		cmocka_unit_test(other_protocols_by_address),
		cmocka_unit_test(policies_combine_most_severe),
		cmocka_unit_test(no_network_section),
		cmocka_unit_test(hundred_thousand_cidrs),
	};

	return cmocka_run_group_tests_name("network", tests, NULL, NULL);
}
