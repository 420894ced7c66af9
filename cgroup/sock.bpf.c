// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sock.bpf.c - network rules on the cgroup socket hooks: connect, unconnected
 * UDP sendmsg and bind, IPv4 and IPv6; and on the packets of the sockets
 * those hooks do not judge (ICMP, SCTP, UDP-Lite, raw IP) as they leave.
 *
 * An address's class comes from one LPM trie lookup (the longest rule prefix
 * containing it); the class's port segments for the protocol are searched
 * in at most STK_NET_SEARCH_STEPS steps. See policy/compile_net.c. The
 * trie keys start with a table number: the scope of the task's cgroup
 * (stk_cgroup_scopes, common.bpf.h) names it through stk_net_scopes.
 * Return 1 lets the syscall go on; 0 makes it fail with EPERM.
 */
#include "common.bpf.h"
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_MPTCP 262
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

#define SOCK_ALLOW 1
#define SOCK_DENY 0

/* Sized by the agent before load. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_net_key4);
	__type(value, __u32);
} stk_net_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_net_key6);
	__type(value, __u32);
} stk_net_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE); /* filled by memcpy (agent/net_gen.c) */
	__type(key, __u32);
	__type(value, struct stk_net_class);
} stk_net_classes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE); /* filled by memcpy (agent/net_gen.c) */
	__type(key, __u32);
	__type(value, struct stk_net_seg);
} stk_net_segs SEC(".maps");

/*
 * (Scope, generation) -> network table, or STK_NET_NO_RULES, and its
 * first-byte filter (struct stk_net_scope, stk_abi.h). Filled by the agent.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STK_CONFIG_ENTRIES);
	__type(key, __u32);
	__type(value, struct stk_net_scope);
} stk_net_scopes SEC(".maps");

/*
 * Sockets whose packets stk_egress() judges: those of a protocol no address
 * hook judges (STK_NPROTO_OTHER, stk_abi.h), marked when a process makes
 * them. The value is the process (tgid) that made the socket. Kernel
 * sockets (the TCP resets and ICMP errors the kernel sends itself) are
 * never marked: the kernel does not run stk_sock_create() for them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} stk_net_other SEC(".maps");

/* One socket operation being judged. */
struct net_req {
	__u32 addr[4]; /* as the socket gave it, network order */
	__u32 family;  /* AF_INET or AF_INET6 */
	__u32 hook;
	__u16 table;   /* of the task's scope */
	__u8 dir;      /* enum stk_net_dir of the rules: CONNECT or BIND */
	__u8 ev_dir;   /* enum stk_net_dir for the event */
	__u32 owner;   /* a packet's: the process that made its socket (stk_net_other) */
	__u64 cgroup;  /* a packet's: the cgroup its socket was made in */
};

/*
 * The network table that judges a socket in the generation in force (NULL,
 * or table STK_NET_NO_RULES: none): the scope of the current task's
 * cgroup, or for a @packet (a constant) that of its socket's cgroup
 * @sock_cgroup (a packet may leave from a timer, where the current task is
 * any). The selector is read once: the table names that generation's
 * entries only, which a reload removes only after the switch and a grace
 * period (agent/generation.c), so one decision never mixes two policies,
 * and it agrees with the LSM programs' stk_get_config().
 */
static __always_inline struct stk_net_scope *scope_table(const bool packet, __u64 sock_cgroup)
{
	__u32 zero = 0, slot, index, scope;
	struct stk_config *sel = bpf_map_lookup_elem(&stk_config, &zero), *host;

	if (!sel)
		return NULL;
	slot = *(volatile __u32 *)&sel->gen;
	host = bpf_map_lookup_elem(&stk_config, &slot);
	if (packet)
		scope = stk_gen_has_scopes(host, slot) ? stk_cgroup_scope(host, slot, sock_cgroup) : 0;
	else
		scope = stk_current_scope(host, slot);
	/* The scope and the table of the one generation this decision uses. */
	index = scope * STK_CONFIG_SLOTS + (slot % STK_CONFIG_SLOTS);
	return bpf_map_lookup_elem(&stk_net_scopes, &index);
}

/*
 * Whether the address's first byte @byte is outside every rule prefix of
 * the table but /0 (for direction @dir, family index @fam): then its class
 * is the /0's, and the trie lookup is not needed (struct stk_net_scope).
 */
static __always_inline bool only_default(const struct stk_net_scope *t, __u8 dir, __u32 fam,
					 __u8 byte)
{
	return !((t->first_bytes[dir & 1][fam & 1][byte >> 6] >> (byte & 63)) & 1);
}

/* The class of the address: the longest rule prefix of its family containing it. */
static __always_inline __u32 *lookup_class(const struct net_req *rq, struct stk_net_scope *t)
{
	/* IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address. */
	if (rq->family == AF_INET || (rq->addr[0] == 0 && rq->addr[1] == 0 &&
				      rq->addr[2] == bpf_htonl(0xffff))) {
		struct stk_net_key4 k = { .prefixlen = STK_NET_KEY_BITS + 32, .table = rq->table,
					  .dir = rq->dir };
		__u32 a = rq->family == AF_INET ? rq->addr[0] : rq->addr[3];

		__builtin_memcpy(k.addr, &a, 4);
		if (only_default(t, rq->dir, 0, k.addr[0]))
			return &t->class0[rq->dir & 1][0];
		return bpf_map_lookup_elem(&stk_net_v4, &k);
	} else {
		struct stk_net_key6 k = { .prefixlen = STK_NET_KEY_BITS + 128, .table = rq->table,
					  .dir = rq->dir };

		__builtin_memcpy(k.addr, rq->addr, 16);
		if (only_default(t, rq->dir, 1, k.addr[0]))
			return &t->class0[rq->dir & 1][1];
		return bpf_map_lookup_elem(&stk_net_v6, &k);
	}
}

/* The segment of @port in the class's list: the last one starting at or below it. */
static __always_inline struct stk_net_seg *find_seg(const struct stk_net_class *c, __u16 port)
{
	__u32 lo = 0, hi = c->count ? c->count - 1 : 0, first = c->first, idx;
	int i;

	for (i = 0; i < STK_NET_SEARCH_STEPS; i++) {
		struct stk_net_seg *s;
		__u32 mid;

		if (lo >= hi)
			break;
		mid = (lo + hi + 1) / 2;
		idx = first + mid;
		s = bpf_map_lookup_elem(&stk_net_segs, &idx);
		if (!s)
			return NULL;
		if (s->lo <= port)
			lo = mid;
		else
			hi = mid - 1;
	}
	idx = first + lo;
	return bpf_map_lookup_elem(&stk_net_segs, &idx);
}

/*
 * The event of a reported decision. @packet (a constant): judged in
 * stk_egress, whose program type has no helpers for the current task's
 * ids (6.1 and 6.12 refuse them): they are read from the task itself, and
 * the cgroup is the socket's.
 */
static __always_inline void report(const struct net_req *rq, __u32 protocol, __u16 port,
				   __u8 action, __u32 rule, const bool packet)
{
	struct stk_event_net ev = {};
	struct task_struct *task;

	if (packet ? !stk_admit_in(rq->cgroup, rq->hook, rule, action, false) :
		     !stk_event_admit(rq->hook, rule, action))
		return;
	/* Like stk_fill_hdr(); the task is read with the perfmon helpers the agent's loader has. */
	if (packet) {
		task = (struct task_struct *)bpf_get_current_task();
		ev.hdr.pid = BPF_CORE_READ(task, tgid);
		/* The task at hand did not send it (a timer, a child): counted, not misnamed. */
		if (ev.hdr.pid != rq->owner) {
			stk_count(STK_CNT_SUPPRESSED);
			return;
		}
		ev.hdr.cgroup_id = rq->cgroup;
		ev.hdr.tid = BPF_CORE_READ(task, pid);
		ev.hdr.uid = BPF_CORE_READ(task, cred, uid.val);
		ev.hdr.gid = BPF_CORE_READ(task, cred, gid.val);
		BPF_CORE_READ_STR_INTO(&ev.hdr.comm, task, comm);
	} else {
		__u64 pid_tgid = bpf_get_current_pid_tgid();
		__u64 uid_gid = bpf_get_current_uid_gid();

		ev.hdr.cgroup_id = bpf_get_current_cgroup_id();
		ev.hdr.pid = pid_tgid >> 32;
		ev.hdr.tid = (__u32)pid_tgid;
		ev.hdr.uid = (__u32)uid_gid;
		ev.hdr.gid = uid_gid >> 32;
		bpf_get_current_comm(ev.hdr.comm, sizeof(ev.hdr.comm));
	}
	ev.hdr.time_boot_ns = bpf_ktime_get_boot_ns();
	ev.hdr.type = STK_EV_NET;
	ev.hdr.size = sizeof(ev);
	ev.hdr.hook = rq->hook;
	ev.hdr.rule = rule;
	ev.hdr.action = action;
	ev.hdr.enforced = stk_verdict_errno(action) != 0;
	stk_fill_task(&ev.hdr);
	__builtin_memcpy(ev.address, rq->addr, 16);
	ev.family = rq->family;
	ev.protocol = protocol;
	ev.port = port;
	ev.direction = rq->ev_dir;
	if (bpf_ringbuf_output(&stk_events, &ev, sizeof(ev), 0))
		stk_count(STK_CNT_LOST);
	else
		stk_count(STK_CNT_EVENTS);
}

/*
 * The verdict of table @t on @rq, a socket of protocol @protocol (the
 * event's) judged as the rules' @nproto (enum stk_net_proto) on @port.
 */
static __always_inline int judge(struct net_req *rq, struct stk_net_scope *t, __u32 nproto,
				 __u32 protocol, __u16 port, const bool packet)
{
	__u32 key, *cls;
	struct stk_net_class *c;
	struct stk_net_seg *s = NULL;
	__u8 action = STK_ACT_DENY;
	__u32 rule = STK_RULE_NONE;

	cls = lookup_class(rq, t);
	/* The agent stores a /0 entry per family and direction: a miss is a broken table. */
	if (cls) {
		key = *cls * STK_NPROTO_COUNT + nproto;
		c = bpf_map_lookup_elem(&stk_net_classes, &key);
		if (c)
			s = find_seg(c, port);
	}
	if (s) {
		action = s->action;
		rule = s->rule;
	}
	if (stk_action_reported(action))
		report(rq, protocol, port, action, rule, packet);
	if (stk_verdict_errno(action)) {
		stk_count(STK_CNT_DENIED);
		return SOCK_DENY;
	}
	return SOCK_ALLOW;
}

/*
 * judge_addr() - every program's body: the operation @hook on the address
 * of @ctx, of @family, judged by the @dir rules and reported as @ev_dir.
 */
static __always_inline int judge_addr(struct bpf_sock_addr *ctx, __u32 family, __u8 dir,
				      __u8 ev_dir, __u32 hook)
{
	struct net_req rq = { .family = family, .hook = hook, .dir = dir, .ev_dir = ev_dir };
	__u32 protocol = ctx->protocol;
	struct stk_net_scope *t;

	/* Other protocols' packets are judged as they leave (stk_egress()). */
	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return SOCK_ALLOW;
	t = scope_table(false, 0);
	/* Neither the host nor the task's scope has network rules. */
	if (!t || t->table == STK_NET_NO_RULES)
		return SOCK_ALLOW;
	rq.table = (__u16)t->table;
	if (family == AF_INET) {
		rq.addr[0] = ctx->user_ip4;
	} else {
		rq.addr[0] = ctx->user_ip6[0];
		rq.addr[1] = ctx->user_ip6[1];
		rq.addr[2] = ctx->user_ip6[2];
		rq.addr[3] = ctx->user_ip6[3];
	}
	return judge(&rq, t, protocol == IPPROTO_TCP ? STK_NPROTO_TCP : STK_NPROTO_UDP, protocol,
		     bpf_ntohs((__u16)ctx->user_port), false);
}

SEC("cgroup/connect4")
int stk_connect4(struct bpf_sock_addr *ctx)
{
	return judge_addr(ctx, AF_INET, STK_NET_CONNECT, STK_NET_CONNECT, STK_HOOK_CONNECT4);
}

SEC("cgroup/connect6")
int stk_connect6(struct bpf_sock_addr *ctx)
{
	return judge_addr(ctx, AF_INET6, STK_NET_CONNECT, STK_NET_CONNECT, STK_HOOK_CONNECT6);
}

SEC("cgroup/sendmsg4")
int stk_sendmsg4(struct bpf_sock_addr *ctx)
{
	return judge_addr(ctx, AF_INET, STK_NET_CONNECT, STK_NET_SENDMSG, STK_HOOK_SENDMSG4);
}

SEC("cgroup/sendmsg6")
int stk_sendmsg6(struct bpf_sock_addr *ctx)
{
	return judge_addr(ctx, AF_INET6, STK_NET_CONNECT, STK_NET_SENDMSG, STK_HOOK_SENDMSG6);
}

SEC("cgroup/bind4")
int stk_bind4(struct bpf_sock_addr *ctx)
{
	return judge_addr(ctx, AF_INET, STK_NET_BIND, STK_NET_BIND, STK_HOOK_BIND4);
}

SEC("cgroup/bind6")
int stk_bind6(struct bpf_sock_addr *ctx)
{
	return judge_addr(ctx, AF_INET6, STK_NET_BIND, STK_NET_BIND, STK_HOOK_BIND6);
}

/*
 * Whether the address hooks above judge a socket of @type and @protocol:
 * TCP streams (multipath TCP too: the kernel connects and binds its TCP
 * subflows, which the rules judge) and UDP datagram sockets.
 */
static __always_inline bool judged_by_address(__u32 type, __u32 protocol)
{
	if (type == SOCK_STREAM)
		return protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP;
	return type == SOCK_DGRAM && protocol == IPPROTO_UDP;
}

/*
 * Marks the IPv4 and IPv6 sockets no address hook judges (ICMP, SCTP,
 * UDP-Lite, raw IP), for stk_egress(). Runs for sockets processes make,
 * never for the kernel's own. Never refuses a socket it could mark: the
 * sockets section (socket_create, an LSM hook) does that.
 */
SEC("cgroup/sock_create")
int stk_sock_create(struct bpf_sock *sk)
{
	__u32 *owner;

	if ((sk->family != AF_INET && sk->family != AF_INET6) ||
	    judged_by_address(sk->type, sk->protocol))
		return SOCK_ALLOW;
	owner = bpf_sk_storage_get(&stk_net_other, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	/* Fail closed: an unmarked socket would send past every rule. */
	if (!owner)
		return SOCK_DENY;
	*owner = bpf_get_current_pid_tgid() >> 32;
	return SOCK_ALLOW;
}

/*
 * Every packet a marked socket sends, judged by the connect rules as
 * protocol "other" on port 0 by its destination: the address in the packet
 * itself, so a raw socket's own IP header (IP_HDRINCL) is judged too. Its
 * socket's scope judges it (scope_table()). Dropping a packet makes the
 * send fail with EPERM. Packets of TCP and UDP sockets pass after a helper
 * call and three reads, those of other unmarked sockets after one more
 * helper call.
 */
SEC("cgroup_skb/egress")
int stk_egress(struct __sk_buff *skb)
{
	struct net_req rq = { .dir = STK_NET_CONNECT, .ev_dir = STK_NET_SEND };
	struct bpf_sock *sk = skb->sk;
	struct stk_net_scope *t;
	__u32 *owner;
	__u8 version;

	if (!sk)
		return SOCK_ALLOW;
	sk = bpf_sk_fullsock(sk);
	if (!sk || judged_by_address(sk->type, sk->protocol))
		return SOCK_ALLOW;
	owner = bpf_sk_storage_get(&stk_net_other, sk, 0, 0);
	/* A kernel socket, or one made before the programs were attached. */
	if (!owner)
		return SOCK_ALLOW;
	rq.owner = *owner;
	rq.cgroup = bpf_skb_cgroup_id(skb);
	t = scope_table(true, rq.cgroup);
	if (!t || t->table == STK_NET_NO_RULES)
		return SOCK_ALLOW;
	rq.table = (__u16)t->table;
	/* A packet whose destination cannot be read is not let through. */
	if (bpf_skb_load_bytes(skb, 0, &version, 1))
		return SOCK_DENY;
	if (version >> 4 == 4) {
		rq.family = AF_INET;
		rq.hook = STK_HOOK_EGRESS4;
		if (bpf_skb_load_bytes(skb, 16, rq.addr, 4)) /* struct iphdr's daddr */
			return SOCK_DENY;
	} else if (version >> 4 == 6) {
		rq.family = AF_INET6;
		rq.hook = STK_HOOK_EGRESS6;
		if (bpf_skb_load_bytes(skb, 24, rq.addr, 16)) /* struct ipv6hdr's daddr */
			return SOCK_DENY;
	} else {
		return SOCK_DENY;
	}
	return judge(&rq, t, STK_NPROTO_OTHER, sk->protocol, 0, true);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
