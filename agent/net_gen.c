// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * net_gen.c - network rules as policy generations (see net_gen.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "generation.h"
#include "net_gen.h"
#include "pin.h"

/* Room for the policy, a larger one reloaded later, and both at once. */
uint32_t stk_net_gen_room(size_t n)
{
	return (uint32_t)(2 * (2 * n + STK_NET_MAP_HEADROOM));
}

static int max_entries(int fd, uint32_t *ret)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*ret = info.max_entries;
	return 0;
}

/* The first index of generation @gen's half of an array of @max entries. */
static uint32_t half_base(uint32_t max, uint32_t gen)
{
	return (gen - 1) * (max / 2);
}

static int fits(int fd, size_t n, uint32_t *base, uint32_t gen)
{
	uint32_t max = 0;
	int err = max_entries(fd, &max);

	if (err)
		return err;
	if (n > max / 2)
		return -E2BIG;
	if (base)
		*base = half_base(max, gen);
	return 0;
}

static __u16 gen_table(__u16 table, uint32_t gen)
{
	return (__u16)(table | gen << STK_NET_TABLE_GEN_SHIFT);
}

static int fill_tries(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		      uint32_t gen, uint32_t class_base)
{
	size_t i;

	for (i = 0; i < n->n_v4; i++) {
		struct stk_net_key4 k = n->v4[i].key;
		__u32 cls = n->v4[i].class_id + class_base / STK_NPROTO_COUNT;

		k.table = gen_table(k.table, gen);
		if (bpf_map_update_elem(fds->v4, &k, &cls, BPF_ANY))
			return errno == ENOSPC ? -E2BIG : -errno;
	}
	for (i = 0; i < n->n_v6; i++) {
		struct stk_net_key6 k = n->v6[i].key;
		__u32 cls = n->v6[i].class_id + class_base / STK_NPROTO_COUNT;

		k.table = gen_table(k.table, gen);
		if (bpf_map_update_elem(fds->v6, &k, &cls, BPF_ANY))
			return errno == ENOSPC ? -E2BIG : -errno;
	}
	return 0;
}

static int fill_arrays(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		       uint32_t gen, uint32_t class_base, uint32_t seg_base)
{
	__u32 i, idx;

	for (i = 0; i < n->n_segs; i++) {
		struct stk_net_seg s = n->segs[i];

		s.rule = stk_gen_tag_rule(s.rule, gen);
		idx = seg_base + i;
		if (bpf_map_update_elem(fds->segs, &idx, &s, BPF_ANY))
			return -errno;
	}
	for (i = 0; i < n->n_classes; i++) {
		struct stk_net_class c = n->classes[i];

		c.first += seg_base;
		idx = class_base + i;
		if (bpf_map_update_elem(fds->classes, &idx, &c, BPF_ANY))
			return -errno;
	}
	for (i = 0; i < STK_SCOPE_MAX; i++) {
		/* Without a network section the tables are 0 but empty: nothing to judge by. */
		__u32 table = !n->present || n->table[i] == STK_NET_NO_RULES ?
			      STK_NET_NO_RULES : gen_table((__u16)n->table[i], gen);

		idx = i * STK_CONFIG_SLOTS + gen;
		if (bpf_map_update_elem(fds->scopes, &idx, &table, BPF_ANY))
			return -errno;
	}
	return 0;
}

int stk_net_gen_fill(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		     uint32_t gen)
{
	uint32_t class_base = 0, seg_base = 0, scopes = 0;
	int err;

	if (gen != 1 && gen != 2)
		return -EINVAL;
	/*
	 * Class ids index classes in steps of STK_NPROTO_COUNT: a half that is
	 * not a multiple of it could not be rebased by adding to the id.
	 */
	err = fits(fds->classes, n->n_classes, &class_base, gen);
	if (!err && class_base % STK_NPROTO_COUNT)
		err = -EPROTO;
	if (!err)
		err = fits(fds->segs, n->n_segs, &seg_base, gen);
	if (!err)
		err = fits(fds->v4, n->n_v4, NULL, gen);
	if (!err)
		err = fits(fds->v6, n->n_v6, NULL, gen);
	/* Programs pinned by an agent without network generations: other layout. */
	if (!err && !(err = max_entries(fds->scopes, &scopes)) && scopes != STK_CONFIG_ENTRIES)
		err = -EPROTO;
	/* Leftovers of a reload that failed half way would take the room. */
	if (!err)
		err = stk_net_gen_forget(fds, gen);
	if (!err)
		err = fill_tries(fds, n, gen, class_base);
	if (!err)
		err = fill_arrays(fds, n, gen, class_base, seg_base);
	return err;
}

int stk_net_gen_first(const struct stk_net_fds *fds, const struct stk_net_compiled *n)
{
	__u32 i, from, to, table;
	int err = stk_net_gen_fill(fds, n, STK_GEN_FIRST);

	/*
	 * Slot 0 is what the programs use while the selector is 0, as for the
	 * settings (stk_get_config()): the loaded policy, for loaders that
	 * never switch (tests, benchmarks). A reload never goes back to it.
	 */
	for (i = 0; i < STK_SCOPE_MAX && !err; i++) {
		from = i * STK_CONFIG_SLOTS + STK_GEN_FIRST;
		to = i * STK_CONFIG_SLOTS;
		if (bpf_map_lookup_elem(fds->scopes, &from, &table) ||
		    bpf_map_update_elem(fds->scopes, &to, &table, BPF_ANY))
			err = -errno;
	}
	return err;
}

int stk_net_gen_open(const char *pin_dir, struct stk_net_fds *fds)
{
	static const char *const names[] = { "stk_net_v4", "stk_net_v6", "stk_net_classes",
					     "stk_net_segs", "stk_net_scopes" };
	int *slot[] = { &fds->v4, &fds->v6, &fds->classes, &fds->segs, &fds->scopes };
	size_t i;

	for (i = 0; i < 5; i++)
		*slot[i] = -1;
	for (i = 0; i < 5; i++) {
		*slot[i] = stk_pin_open_map(pin_dir, names[i], 0);
		if (*slot[i] < 0) {
			int err = *slot[i];

			stk_net_gen_close(fds);
			return err;
		}
	}
	return 0;
}

void stk_net_gen_close(struct stk_net_fds *fds)
{
	int *slot[] = { &fds->v4, &fds->v6, &fds->classes, &fds->segs, &fds->scopes };
	size_t i;

	for (i = 0; i < 5; i++) {
		if (*slot[i] >= 0)
			close(*slot[i]);
		*slot[i] = -1;
	}
}

/*
 * Collects the keys first and deletes after: a trie's next-key walk
 * restarts from its first key when the key it was given is gone.
 */
static int forget_trie(int fd, size_t key_size, size_t table_off, uint32_t gen)
{
	size_t n = 0, cap = 0, i;
	char *keys = NULL, *prev = NULL, *grown;
	int err = 0;
	__u16 table;

	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(keys, cap * key_size);
			if (!grown) {
				err = -ENOMEM;
				goto cleanup;
			}
			keys = grown;
		}
		prev = n ? keys + (n - 1) * key_size : NULL;
		if (bpf_map_get_next_key(fd, prev, keys + n * key_size))
			break;
		n++;
	}
	if (errno != ENOENT) {
		err = -errno;
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		memcpy(&table, keys + i * key_size + table_off, sizeof(table));
		if ((uint32_t)(table >> STK_NET_TABLE_GEN_SHIFT) != gen)
			continue;
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT) {
			err = -errno;
			break;
		}
	}
cleanup:
	free(keys);
	return err;
}

int stk_net_gen_forget(const struct stk_net_fds *fds, uint32_t gen)
{
	int err = forget_trie(fds->v4, sizeof(struct stk_net_key4),
			      offsetof(struct stk_net_key4, table), gen);

	if (!err)
		err = forget_trie(fds->v6, sizeof(struct stk_net_key6),
				  offsetof(struct stk_net_key6, table), gen);
	return err;
}
