// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_net_gen.c - stk_net_gen_fill() (agent/net_gen.c) writes a compiled
 * network policy into real maps shaped like the cgroup programs': each
 * generation's classes and port segments land in its half of the arrays,
 * rebased, whether the arrays are BPF_F_MMAPABLE (written through a
 * mapping) or not (pinned by an older agent: batch updates), and the trie
 * keys carry the generation. Skipped where this process may not create
 * BPF maps.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>

#include "generation.h"
#include "net_gen.h"
#include "policy.h"

static const char policy[] =
	"{ \"stockade\": 1, \"name\": \"n\", \"network\": {\n"
	"  \"connect\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"a\", \"cidrs\": [\"10.0.0.0/8\"], \"ports\": [\"80\", \"443\"],"
	" \"action\": \"deny\" },\n"
	"    { \"id\": \"b\", \"cidrs\": [\"10.1.0.0/16\", \"fd00::/8\"], \"protocols\": [\"udp\"],"
	" \"action\": \"audit\" } ] },\n"
	"  \"bind\": { \"default\": \"allow\", \"rules\": [\n"
	"    { \"id\": \"c\", \"ports\": [\"1-1023\"], \"action\": \"deny\" } ] } } }\n";

static struct stk_compiled *compile(struct stk_policy **pol)
{
	struct stk_diags d = { 0 };
	struct stk_compiled *c = NULL;

	assert_int_equal(stk_policy_parse("n.json", policy, strlen(policy), pol, &d), 0);
	assert_int_equal(stk_compile(pol, 1, &c, &d), 0);
	stk_diags_free(&d);
	return c;
}

static int array(const char *name, size_t val_size, uint32_t max, __u32 flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);

	return bpf_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(__u32), val_size, max, &o);
}

static int trie(const char *name, size_t key_size, uint32_t max)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);

	return bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, name, key_size, sizeof(__u32), max, &o);
}

/* The maps as agent/cgroup_sock.c sizes them for @n; the arrays with @flags. */
static void make_maps(const struct stk_net_compiled *n, __u32 flags, struct stk_net_fds *fds)
{
	fds->v4 = trie("stk_t_v4", sizeof(struct stk_net_key4), stk_net_gen_room(n->n_v4));
	fds->v6 = trie("stk_t_v6", sizeof(struct stk_net_key6), stk_net_gen_room(n->n_v6));
	fds->classes = array("stk_t_classes", sizeof(struct stk_net_class),
			     stk_net_gen_room(n->n_classes), flags);
	fds->segs = array("stk_t_segs", sizeof(struct stk_net_seg), stk_net_gen_room(n->n_segs),
			  flags);
	fds->scopes = array("stk_t_scopes", sizeof(struct stk_net_scope), STK_CONFIG_ENTRIES, 0);
	if (fds->v4 < 0 || fds->v6 < 0 || fds->classes < 0 || fds->segs < 0 || fds->scopes < 0) {
		stk_net_gen_close(fds);
		skip(); /* no CAP_BPF here */
	}
}

static uint32_t max_entries(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	return info.max_entries;
}

/* Generation @gen's half of the arrays holds @n's entries, rebased to the half. */
static void check_half(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		       uint32_t gen)
{
	uint32_t cbase = (gen - 1) * (max_entries(fds->classes) / 2);
	uint32_t sbase = (gen - 1) * (max_entries(fds->segs) / 2);
	struct stk_net_class c;
	struct stk_net_seg s;
	__u32 i, idx;

	for (i = 0; i < n->n_classes; i++) {
		idx = cbase + i;
		assert_int_equal(bpf_map_lookup_elem(fds->classes, &idx, &c), 0);
		assert_int_equal(c.first, n->classes[i].first + sbase);
		assert_int_equal(c.count, n->classes[i].count);
	}
	for (i = 0; i < n->n_segs; i++) {
		idx = sbase + i;
		assert_int_equal(bpf_map_lookup_elem(fds->segs, &idx, &s), 0);
		assert_int_equal(s.lo, n->segs[i].lo);
		assert_int_equal(s.action, n->segs[i].action);
		assert_int_equal(s.rule, stk_gen_tag_rule(n->segs[i].rule, gen));
	}
}

/* Every trie key of @n is there for generation @gen, with its class rebased. */
static void check_tries(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
			uint32_t gen)
{
	uint32_t rebase = (gen - 1) * (max_entries(fds->classes) / 2) / STK_NPROTO_COUNT;
	struct stk_net_key4 k4;
	struct stk_net_key6 k6;
	__u32 cls;
	size_t i;

	for (i = 0; i < n->n_v4; i++) {
		k4 = n->v4[i].key;
		k4.table = (__u16)(k4.table | gen << STK_NET_TABLE_GEN_SHIFT);
		assert_int_equal(bpf_map_lookup_elem(fds->v4, &k4, &cls), 0);
		assert_int_equal(cls, n->v4[i].class_id + rebase);
	}
	for (i = 0; i < n->n_v6; i++) {
		k6 = n->v6[i].key;
		k6.table = (__u16)(k6.table | gen << STK_NET_TABLE_GEN_SHIFT);
		assert_int_equal(bpf_map_lookup_elem(fds->v6, &k6, &cls), 0);
		assert_int_equal(cls, n->v6[i].class_id + rebase);
	}
}

static void fill_both_generations(__u32 flags)
{
	struct stk_policy *pol = NULL;
	struct stk_compiled *c = compile(&pol);
	const struct stk_net_compiled *n = c->net;
	struct stk_net_fds fds;

	assert_true(n->n_classes > 0 && n->n_segs > 0 && n->n_v4 > 0 && n->n_v6 > 0);
	make_maps(n, flags, &fds);
	assert_int_equal(stk_net_gen_first(&fds, n), 0);
	assert_int_equal(stk_net_gen_fill(&fds, n, 2), 0);
	check_half(&fds, n, 1);
	check_half(&fds, n, 2);
	check_tries(&fds, n, 1);
	check_tries(&fds, n, 2);
	stk_net_gen_close(&fds);
	stk_compiled_free(c);
	stk_policy_free(pol);
}

static void mapped_arrays(void **state)
{
	(void)state;
	fill_both_generations(BPF_F_MMAPABLE);
}

static void arrays_of_an_older_agent(void **state)
{
	(void)state;
	fill_both_generations(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapped_arrays),
		cmocka_unit_test(arrays_of_an_older_agent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
