/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * network.c - the "network" section: per direction ("connect", "bind") a
 * default and rules of CIDRs, ports and protocols.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "network.h"
#include "quote.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const proto_words[STK_NPROTO_COUNT] = { "tcp", "udp", "other" };
static const char *const dir_names[STK_NET_NDIRS] = { "'connect'", "'bind'" };

/* What the member functions of one direction need. */
struct dir_out {
	struct stk_network *n;
	int dir;
};

void stk_network_drop_rules(struct stk_network *n)
{
	size_t i;
	int d;

	for (d = 0; d < STK_NET_NDIRS; d++) {
		for (i = 0; n->dir[d].rules && i < n->dir[d].n_rules; i++) {
			free(n->dir[d].rules[i].id);
			free(n->dir[d].rules[i].cidrs);
			free(n->dir[d].rules[i].ports);
		}
		free(n->dir[d].rules);
		n->dir[d].rules = NULL;
	}
}

void stk_network_free(struct stk_network *n)
{
	int d;

	stk_network_drop_rules(n);
	for (d = 0; d < STK_NET_NDIRS; d++)
		n->dir[d].n_rules = 0;
}

static void parse_id(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;
	char *id = stk_parse_name(c, v, "rule id", STK_ID_MAX);

	if (!id)
		return;
	if (strcmp(id, STK_DEFAULT_RULE_ID) == 0) {
		stk_perror(c, v->pos, "rule id '%s' is reserved for the policy's default", id);
		free(id);
		return;
	}
	r->id = id;
	r->id_pos = v->pos;
}

static void mask_host_bits(uint8_t *a, int bytes, int plen)
{
	int i;

	for (i = 0; i < bytes; i++) {
		int keep = plen - i * 8;

		if (keep <= 0)
			a[i] = 0;
		else if (keep < 8)
			a[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

static bool is_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/*
 * Reads "ADDR" or "ADDR/LEN" into @ret. Host bits set are an error, not a
 * silent mask: "10.1.2.3/8" is far more often a typo than a wish for 10/8.
 */
static bool parse_cidr(struct stk_pctx *c, const struct stk_jval *v, struct stk_net_cidr *ret)
{
	char q[STK_QUOTE_SIZE], buf[64], shown[INET6_ADDRSTRLEN];
	const char *s = json_object_get_string(v->obj), *slash;
	size_t len = (size_t)json_object_get_string_len(v->obj), alen;
	uint8_t a[16], masked[16];
	int family, max, plen;

	slash = memchr(s, '/', len);
	alen = slash ? (size_t)(slash - s) : len;
	if (alen == 0 || alen >= sizeof(buf) || memchr(s, '\0', len)) {
		stk_perror(c, v->pos, "invalid CIDR '%s': expected an IPv4 or IPv6 address",
			   stk_quote(q, s, len));
		return false;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, buf, a) == 1) {
		family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, a) == 1) {
		family = 6;
		max = 128;
	} else {
		stk_perror(c, v->pos, "invalid CIDR '%s': '%s' is not an IPv4 or IPv6 address",
			   stk_quote(q, s, len), buf);
		return false;
	}
	plen = max;
	if (slash) {
		const char *p = slash + 1;
		size_t plen_len = len - alen - 1;
		size_t i;

		if (plen_len == 0 || plen_len > 3)
			goto bad_len;
		plen = 0;
		for (i = 0; i < plen_len; i++) {
			if (!isdigit((unsigned char)p[i]))
				goto bad_len;
			plen = plen * 10 + (p[i] - '0');
		}
		if (plen > max)
			goto bad_len;
	}
	memcpy(masked, a, sizeof(a));
	mask_host_bits(masked, family == 4 ? 4 : 16, plen);
	if (memcmp(masked, a, sizeof(a)) != 0) {
		inet_ntop(family == 4 ? AF_INET : AF_INET6, masked, shown, sizeof(shown));
		stk_perror(c, v->pos, "CIDR '%s' has host bits set (did you mean '%s/%d'?)",
			   stk_quote(q, s, len), shown, plen);
		return false;
	}
	/* Mapped addresses are judged as IPv4: store such a CIDR as one. */
	if (family == 6 && plen >= 96 && is_v4_mapped(a)) {
		memmove(a, a + 12, 4);
		memset(a + 4, 0, 12);
		family = 4;
		plen -= 96;
	}
	memcpy(ret->addr, a, sizeof(ret->addr));
	ret->family = (uint8_t)family;
	ret->plen = (uint8_t)plen;
	return true;
bad_len:
	stk_perror(c, v->pos, "invalid prefix length in CIDR '%s': expected 0 to %d",
		   stk_quote(q, s, len), max);
	return false;
}

static void parse_cidrs(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;
	size_t n = stk_parse_list(c, v, "'cidrs'"), i;

	if (n == 0)
		return;
	r->cidrs = calloc(n, sizeof(*r->cidrs));
	if (!r->cidrs) {
		stk_nomem(c);
		return;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval cv = stk_jval_element(c, v, i, o);
		char what[32];

		snprintf(what, sizeof(what), "cidrs[%zu]", i);
		if (!stk_want_type(c, &cv, json_type_string, what))
			continue;
		if (parse_cidr(c, &cv, &r->cidrs[r->n_cidrs]))
			r->n_cidrs++;
	}
}

/* Reads a decimal port; returns -1 if @s is not one, else the number (capped). */
static long read_port(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool port_in_range(struct stk_pctx *c, const struct stk_jval *v, long p)
{
	if (p == 0) {
		stk_perror(c, v->pos, "port 0 is not a port a rule can name (ports are 1 to 65535)");
		return false;
	}
	if (p > 65535) {
		stk_perror(c, v->pos, "port %ld is out of range (ports are 1 to 65535)", p);
		return false;
	}
	return true;
}

static bool parse_port(struct stk_pctx *c, const struct stk_jval *v, struct stk_net_ports *ret)
{
	char q[STK_QUOTE_SIZE];
	const char *s, *dash;
	long lo, hi;
	size_t len;

	if (json_object_is_type(v->obj, json_type_int)) {
		int64_t p = json_object_get_int64(v->obj);

		if (p < 0) {
			stk_perror(c, v->pos, "port %lld is out of range (ports are 1 to 65535)",
				   (long long)p);
			return false;
		}
		if (!port_in_range(c, v, p > 65536 ? 65536 : (long)p))
			return false;
		ret->lo = ret->hi = (uint16_t)p;
		return true;
	}
	if (!json_object_is_type(v->obj, json_type_string)) {
		stk_perror(c, v->pos, "wrong type for port: expected string, got %s",
			   stk_jtype_name(v->obj));
		return false;
	}
	s = json_object_get_string(v->obj);
	len = (size_t)json_object_get_string_len(v->obj);
	dash = memchr(s, '-', len);
	lo = read_port(s, dash ? (size_t)(dash - s) : len);
	hi = dash ? read_port(dash + 1, len - (size_t)(dash - s) - 1) : lo;
	if (lo < 0 || hi < 0) {
		stk_perror(c, v->pos, "invalid port '%s': expected a port (1 to 65535) or a range 'a-b'",
			   stk_quote(q, s, len));
		return false;
	}
	if (!port_in_range(c, v, lo) || (dash && !port_in_range(c, v, hi)))
		return false;
	if (hi < lo) {
		stk_perror(c, v->pos, "port range '%s' is reversed (did you mean '%ld-%ld'?)",
			   stk_quote(q, s, len), hi, lo);
		return false;
	}
	ret->lo = (uint16_t)lo;
	ret->hi = (uint16_t)hi;
	return true;
}

static void parse_ports(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;
	size_t n = stk_parse_list(c, v, "'ports'"), i;

	if (n == 0)
		return;
	r->ports = calloc(n, sizeof(*r->ports));
	if (!r->ports) {
		stk_nomem(c);
		return;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval pv = stk_jval_element(c, v, i, o);

		if (parse_port(c, &pv, &r->ports[r->n_ports]))
			r->n_ports++;
	}
}

static void parse_protocols(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;
	size_t n = stk_parse_list(c, v, "'protocols'"), i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval pv = stk_jval_element(c, v, i, o);
		int p = stk_parse_word(c, &pv, "protocol", proto_words, STK_NPROTO_COUNT);

		if (p < 0)
			continue;
		if (r->protocols & (1u << p))
			stk_pwarn(c, pv.pos, "protocol '%s' is listed twice", proto_words[p]);
		r->protocols |= 1u << p;
		if (p == STK_NPROTO_OTHER)
			r->other_pos = pv.pos;
	}
}

static void parse_action(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;
	int i = stk_parse_word(c, v, "action", stk_action_words, STK_N_ACTION_WORDS);

	if (i >= 0)
		r->action = (enum stk_action)(i + STK_ACT_ALLOW);
}

static void parse_rule_mode(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;
	int m = stk_parse_mode(c, v);

	if (m >= 0)
		r->mode = (enum stk_mode)m;
}

static void parse_rule_alert(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_net_rule *r = out;

	if (stk_want_type(c, v, json_type_boolean, "'alert'"))
		r->alert = json_object_get_boolean(v->obj);
}

static const struct stk_member rule_keys[] = {
	{ "id", parse_id, true },
	{ "cidrs", parse_cidrs, false },
	{ "ports", parse_ports, false },
	{ "protocols", parse_protocols, false },
	{ "action", parse_action, true },
	{ "mode", parse_rule_mode, false },
	{ "alert", parse_rule_alert, false },
};

static void parse_default(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	static const char *const words[] = { "allow", "deny" };
	struct dir_out *d = out;
	int i = stk_parse_word(c, v, "default", words, 2);

	if (i >= 0)
		d->n->dir[d->dir].def = i == 0 ? STK_ACT_ALLOW : STK_ACT_DENY;
}

/*
 * Protocol "other" (ICMP, SCTP, UDP-Lite, raw IP) is judged by the address
 * its packets go to (cgroup/sock.bpf.c): it has no ports and no bind. A
 * rule listing no protocol names every protocol its direction judges.
 */
static void check_protocols(struct stk_pctx *c, struct stk_net_rule *r, int dir)
{
	const uint32_t other = 1u << STK_NPROTO_OTHER;

	if ((r->protocols & other) && dir == STK_NET_BIND)
		stk_perror(c, r->other_pos,
			   "protocol 'other' is judged on connect only: the kernel binds such sockets without asking");
	else if ((r->protocols & other) && r->n_ports)
		stk_perror(c, r->other_pos,
			   "protocol 'other' has no ports: a rule with 'ports' never matches it");
	if (!r->protocols)
		r->protocols = (1u << STK_NPROTO_TCP) | (1u << STK_NPROTO_UDP) |
			       (dir == STK_NET_BIND ? 0 : 1u << STK_NPROTO_OTHER);
}

static void parse_rules(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct dir_out *d = out;
	size_t n, i;

	if (!stk_want_type(c, v, json_type_array, "'rules'"))
		return;
	n = json_object_array_length(v->obj);
	if (n == 0)
		return;
	d->n->dir[d->dir].rules = calloc(n, sizeof(struct stk_net_rule));
	if (!d->n->dir[d->dir].rules) {
		stk_nomem(c);
		return;
	}
	/* Every slot counts, so a rule that failed to parse is still freed. */
	d->n->dir[d->dir].n_rules = n;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval rv = stk_jval_element(c, v, i, o);
		struct stk_net_rule *r = &d->n->dir[d->dir].rules[i];
		char what[48];

		snprintf(what, sizeof(what), "%s rules[%zu]", dir_names[d->dir], i);
		r->pos = r->id_pos = rv.pos;
		stk_parse_object(c, &rv, what, rule_keys, ARRAY_SIZE(rule_keys), r);
		if (c->err)
			return;
		check_protocols(c, r, d->dir);
	}
}

static const struct stk_member dir_keys[] = {
	{ "default", parse_default, false },
	{ "rules", parse_rules, false },
};

static void parse_dir(struct stk_pctx *c, const struct stk_jval *v, struct stk_network *n, int dir)
{
	struct dir_out d = { n, dir };

	stk_parse_object(c, v, dir_names[dir], dir_keys, ARRAY_SIZE(dir_keys), &d);
}

static void parse_connect(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	parse_dir(c, v, out, STK_NET_CONNECT);
}

static void parse_bind(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	parse_dir(c, v, out, STK_NET_BIND);
}

static const struct stk_member network_keys[] = {
	{ "connect", parse_connect, false },
	{ "bind", parse_bind, false },
};

/* A rule of either direction, in policy order: connect's rules, then bind's. */
struct id_ref {
	const struct stk_net_rule *r;
	size_t order;
};

static int cmp_id_ref(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcmp(x->r->id, y->r->id);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/*
 * Rule ids name rules in events: unique over both directions. Sorted, so
 * that 100,000 rules check in n log n; each repeat is reported against the
 * first use in policy order (the diagnostics are sorted by position later).
 */
static void check_ids(struct stk_pctx *c, const struct stk_network *n)
{
	size_t total = 0, k = 0, i, first;
	struct id_ref *refs;
	int d;

	for (d = 0; d < STK_NET_NDIRS; d++)
		total += n->dir[d].n_rules;
	if (!total)
		return;
	refs = malloc(total * sizeof(*refs));
	if (!refs) {
		stk_nomem(c);
		return;
	}
	for (d = 0; d < STK_NET_NDIRS; d++)
		for (i = 0; i < n->dir[d].n_rules; i++)
			if (n->dir[d].rules[i].id) {
				refs[k].r = &n->dir[d].rules[i];
				refs[k].order = k;
				k++;
			}
	qsort(refs, k, sizeof(*refs), cmp_id_ref);
	/* refs[first] is the first use of the id refs[i] has, if they are equal. */
	for (i = 1, first = 0; i < k; i++) {
		if (strcmp(refs[first].r->id, refs[i].r->id)) {
			first = i;
			continue;
		}
		stk_perror(c, refs[i].r->id_pos, "duplicate rule id '%s' (first used at line %d)",
			   refs[i].r->id, refs[first].r->id_pos.line);
	}
	free(refs);
}

void stk_parse_network(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;
	struct stk_network *n = &p->network;
	int d;

	n->present = true;
	for (d = 0; d < STK_NET_NDIRS; d++)
		n->dir[d].def = STK_ACT_ALLOW;
	stk_parse_object(c, v, "'network'", network_keys, ARRAY_SIZE(network_keys), n);
	if (!c->err)
		check_ids(c, n);
}
