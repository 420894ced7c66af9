/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * ops.c - the "capabilities", "kernel" and "sockets" sections.
 *
 * Each is { "deny": [names], "audit": [names], "mode": "enforce"|"complain" }.
 * A name may appear in one list only; listing it twice is a warning.
 */
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "names.h"
#include "ops.h"
#include "quote.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Indexed by number: the names are the uapi macros, spelled out. */
#define CAP_WORD(c) [c] = #c
const char *const stk_cap_words[STK_N_CAPS] = {
	CAP_WORD(CAP_CHOWN), CAP_WORD(CAP_DAC_OVERRIDE), CAP_WORD(CAP_DAC_READ_SEARCH),
	CAP_WORD(CAP_FOWNER), CAP_WORD(CAP_FSETID), CAP_WORD(CAP_KILL),
	CAP_WORD(CAP_SETGID), CAP_WORD(CAP_SETUID), CAP_WORD(CAP_SETPCAP),
	CAP_WORD(CAP_LINUX_IMMUTABLE), CAP_WORD(CAP_NET_BIND_SERVICE), CAP_WORD(CAP_NET_BROADCAST),
	CAP_WORD(CAP_NET_ADMIN), CAP_WORD(CAP_NET_RAW), CAP_WORD(CAP_IPC_LOCK),
	CAP_WORD(CAP_IPC_OWNER), CAP_WORD(CAP_SYS_MODULE), CAP_WORD(CAP_SYS_RAWIO),
	CAP_WORD(CAP_SYS_CHROOT), CAP_WORD(CAP_SYS_PTRACE), CAP_WORD(CAP_SYS_PACCT),
	CAP_WORD(CAP_SYS_ADMIN), CAP_WORD(CAP_SYS_BOOT), CAP_WORD(CAP_SYS_NICE),
	CAP_WORD(CAP_SYS_RESOURCE), CAP_WORD(CAP_SYS_TIME), CAP_WORD(CAP_SYS_TTY_CONFIG),
	CAP_WORD(CAP_MKNOD), CAP_WORD(CAP_LEASE), CAP_WORD(CAP_AUDIT_WRITE),
	CAP_WORD(CAP_AUDIT_CONTROL), CAP_WORD(CAP_SETFCAP), CAP_WORD(CAP_MAC_OVERRIDE),
	CAP_WORD(CAP_MAC_ADMIN), CAP_WORD(CAP_SYSLOG), CAP_WORD(CAP_WAKE_ALARM),
	CAP_WORD(CAP_BLOCK_SUSPEND), CAP_WORD(CAP_AUDIT_READ), CAP_WORD(CAP_PERFMON),
	CAP_WORD(CAP_BPF), CAP_WORD(CAP_CHECKPOINT_RESTORE),
};

const char *const stk_kernel_op_words[STK_KOP_COUNT] = {
	[STK_KOP_MODULE_LOAD] = "module_load", [STK_KOP_BPF] = "bpf", [STK_KOP_MOUNT] = "mount",
	[STK_KOP_PTRACE] = "ptrace",	       [STK_KOP_KEXEC] = "kexec",
};

/* "raw", then address families; stk_sock_word_family has their AF_* in the same layout. */
const char *const stk_sock_words[STK_N_SOCK_WORDS] = {
	"raw", "unix", "inet", "ax25", "ipx", "appletalk",
	"x25", "inet6", "key", "netlink", "packet", "rds",
	"llc", "ib", "mpls", "can", "tipc", "bluetooth",
	"rxrpc", "isdn", "phonet", "ieee802154", "caif", "alg",
	"nfc", "vsock", "kcm", "qipcrtr", "smc", "xdp",
	"mctp",
};
/* AF_* of each word above (0 for "raw"). */
const unsigned char stk_sock_word_family[STK_N_SOCK_WORDS] = {
	0, AF_UNIX, AF_INET, AF_AX25, AF_IPX, AF_APPLETALK,
	AF_X25, AF_INET6, AF_KEY, AF_NETLINK, AF_PACKET, AF_RDS,
	AF_LLC, AF_IB, AF_MPLS, AF_CAN, AF_TIPC, AF_BLUETOOTH,
	AF_RXRPC, AF_ISDN, AF_PHONET, AF_IEEE802154, AF_CAIF, AF_ALG,
	AF_NFC, AF_VSOCK, AF_KCM, AF_QIPCRTR, AF_SMC, AF_XDP,
	AF_MCTP,
};

const char *stk_cap_name(uint32_t cap)
{
	return cap < STK_N_CAPS ? stk_cap_words[cap] : NULL;
}

const char *stk_kernel_op_name(uint32_t op)
{
	return op < STK_KOP_COUNT ? stk_kernel_op_words[op] : NULL;
}

const char *stk_sock_family_name(uint32_t family)
{
	size_t i;

	for (i = STK_SOCK_WORD_RAW + 1; i < STK_N_SOCK_WORDS; i++)
		if (stk_sock_word_family[i] == family)
			return stk_sock_words[i];
	return NULL;
}

/* What one section reads: its words, and where its items go. */
struct section {
	const char *name; /* "'capabilities'" */
	const char *what; /* "capability" */
	const char *const *words;
	size_t n_words;
	struct stk_op_section *out;
};

/* A word of @s, or -1 after reporting it with the words allowed. */
static int parse_word(struct stk_pctx *c, const struct stk_jval *v, const struct section *s)
{
	char q[STK_QUOTE_SIZE];
	const char *str;
	size_t len;

	if (s->n_words <= STK_N_SOCK_WORDS)
		return stk_parse_word(c, v, s->what, s->words, s->n_words);
	/* Too many to list in a message: name the first and the last. */
	if (!stk_want_type(c, v, json_type_string, s->what))
		return -1;
	str = json_object_get_string(v->obj);
	len = (size_t)json_object_get_string_len(v->obj);
	for (size_t i = 0; i < s->n_words; i++)
		if (strlen(s->words[i]) == len && memcmp(s->words[i], str, len) == 0)
			return (int)i;
	stk_perror(c, v->pos, "unknown %s '%s' (expected one of %s, %s, ... %s)", s->what,
		   stk_quote(q, str, len), s->words[0], s->words[1], s->words[s->n_words - 1]);
	return -1;
}

static void parse_list(struct stk_pctx *c, const struct stk_jval *v, const struct section *s,
		       enum stk_action action, const char *key)
{
	struct stk_op_section *out = s->out;
	char what[32];
	size_t n, i, j;
	struct stk_op_item *items;

	snprintf(what, sizeof(what), "'%s'", key);
	n = stk_parse_list(c, v, what);
	if (n == 0)
		return;
	items = realloc(out->items, (out->n + n) * sizeof(*items));
	if (!items) {
		stk_nomem(c);
		return;
	}
	out->items = items;
	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(v->obj, i);
		struct stk_jval ev = stk_jval_element(c, v, i, o);
		int w = parse_word(c, &ev, s);
		bool dup = false;

		if (w < 0)
			continue;
		for (j = 0; j < out->n && !dup; j++) {
			if (out->items[j].which != (uint32_t)w)
				continue;
			dup = true;
			if (out->items[j].action == action)
				stk_pwarn(c, ev.pos, "%s '%s' is listed twice in %s", s->what,
					  s->words[w], s->name);
			else
				stk_perror(c, ev.pos,
					   "%s '%s' is listed in both 'deny' and 'audit' of %s",
					   s->what, s->words[w], s->name);
		}
		if (!dup)
			out->items[out->n++] = (struct stk_op_item){ (uint32_t)w, action, ev.pos };
	}
}

static void parse_deny(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	parse_list(c, v, out, STK_ACT_DENY, "deny");
}

static void parse_audit(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	parse_list(c, v, out, STK_ACT_AUDIT, "audit");
}

static void parse_section_mode(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	const struct section *s = out;
	int m = stk_parse_mode(c, v);

	if (m >= 0)
		s->out->mode = (enum stk_mode)m;
}

static const struct stk_member section_keys[] = {
	{ "deny", parse_deny, false },
	{ "audit", parse_audit, false },
	{ "mode", parse_section_mode, false },
};

static void parse_section(struct stk_pctx *c, const struct stk_jval *v, const struct section *s)
{
	stk_parse_object(c, v, s->name, section_keys, ARRAY_SIZE(section_keys), (void *)s);
}

void stk_parse_caps(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;
	const struct section s = { "'capabilities'", "capability", stk_cap_words, STK_N_CAPS,
				   &p->caps };

	parse_section(c, v, &s);
}

void stk_parse_kernel(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;
	const struct section s = { "'kernel'", "kernel operation", stk_kernel_op_words,
				   STK_KOP_COUNT, &p->kernel };

	parse_section(c, v, &s);
}

void stk_parse_sockets(struct stk_pctx *c, const struct stk_jval *v, void *out)
{
	struct stk_policy *p = out;
	const struct section s = { "'sockets'", "socket kind", stk_sock_words, STK_N_SOCK_WORDS,
				   &p->sockets };

	parse_section(c, v, &s);
}

void stk_ops_free(struct stk_policy *p)
{
	free(p->caps.items);
	free(p->kernel.items);
	free(p->sockets.items);
}

/* The name item @it of section @sec (0 caps, 1 kernel, 2 sockets) stands for. */
static const char *item_word(int sec, const struct stk_op_item *it)
{
	if (sec == 0)
		return it->which < STK_N_CAPS ? stk_cap_words[it->which] : NULL;
	if (sec == 1)
		return it->which < STK_KOP_COUNT ? stk_kernel_op_words[it->which] : NULL;
	return it->which < STK_N_SOCK_WORDS ? stk_sock_words[it->which] : NULL;
}

void stk_check_ops(struct stk_pctx *c)
{
	static const char *const section_names[] = { "capabilities", "kernel", "sockets" };
	const struct stk_policy *p = c->pol;
	const struct stk_op_section *secs[] = { &p->caps, &p->kernel, &p->sockets };
	size_t i, j;
	int sec;

	/* Listed names are rule ids in events: a file rule may not take one. */
	for (i = 0; i < p->files.n_rules && c->rule_id_pos; i++) {
		const char *id = p->files.rules[i].id;

		if (!id)
			continue;
		for (sec = 0; sec < 3; sec++) {
			for (j = 0; j < secs[sec]->n; j++) {
				const struct stk_op_item *it = &secs[sec]->items[j];
				const char *w = item_word(sec, it);

				if (w && strcmp(w, id) == 0)
					stk_perror(c, c->rule_id_pos[i],
						   "rule id '%s' is also a name in '%s' (at "
						   "%d:%d); rule ids are unique per policy",
						   id, section_names[sec], it->pos.line,
						   it->pos.col);
			}
		}
	}
}
