// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * net_gen.c - network rules as policy generations (see net_gen.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "generation.h"
#include "net_gen.h"
#include "pin.h"

/*
 * Room for the policy, a larger one reloaded later, and both at once. Each
 * generation's half is a whole number of classes (see stk_net_gen_fill()).
 */
uint32_t stk_net_gen_room(size_t n)
{
	size_t half = 2 * n + STK_NET_MAP_HEADROOM;

	half += (STK_NPROTO_COUNT - half % STK_NPROTO_COUNT) % STK_NPROTO_COUNT;
	return (uint32_t)(2 * half);
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

static int max_entries(int fd, uint32_t *ret)
{
	struct bpf_map_info info;
	int err = map_info(fd, &info);

	if (!err)
		*ret = info.max_entries;
	return err;
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

/* A full trie is -E2BIG: the policy does not fit. */
static int update_batch(int fd, const void *keys, const void *vals, size_t n, size_t key_size,
			size_t val_size)
{
	int err = stk_map_update_all(fd, keys, vals, n, key_size, val_size, BPF_ANY);

	return err == -ENOSPC ? -E2BIG : err;
}

/* Where generation @gen's entries go: its tag, and its halves of the arrays. */
struct gen_place {
	uint32_t gen, class_base, seg_base;
};

/*
 * Keys and values laid out for update_batch(), then written: @set_entry
 * fills in entry @i's key and value as generation @g holds them.
 */
struct batch_spec {
	size_t key_size, val_size;
	void (*set_entry)(void *key, void *val, size_t i, const struct stk_net_compiled *n,
			  const struct gen_place *g);
};

static int fill_batched(int fd, const struct batch_spec *b, size_t count,
			const struct stk_net_compiled *n, const struct gen_place *g)
{
	char *keys = NULL, *vals = NULL;
	size_t i;
	int err;

	if (!count)
		return 0;
	keys = calloc(count, b->key_size);
	vals = calloc(count, b->val_size);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < count; i++)
		b->set_entry(keys + i * b->key_size, vals + i * b->val_size, i, n, g);
	err = update_batch(fd, keys, vals, count, b->key_size, b->val_size);
cleanup:
	free(keys);
	free(vals);
	return err;
}

/*
 * The same for an array created BPF_F_MMAPABLE, through a mapping of it:
 * one memcpy per entry, where an update costs a copy from user space and
 * the kernel's checks per entry (about 40 ms for the 100,000 entries of
 * 50,000 CIDR rules, bench/load.c). The programs read only the half of
 * the generation in force, not the one written. -EOPNOTSUPP for an array
 * without the flag (pinned by an older agent): the caller updates it.
 */
static int fill_mapped(int fd, const struct batch_spec *b, size_t count,
		       const struct stk_net_compiled *n, const struct gen_place *g)
{
	long page = sysconf(_SC_PAGESIZE);
	struct bpf_map_info info;
	size_t elem, len, i;
	char val[64];
	__u32 idx;
	char *mem;
	int err;

	if (!count)
		return 0;
	err = map_info(fd, &info);
	if (err)
		return err;
	if (!(info.map_flags & BPF_F_MMAPABLE) || b->key_size != sizeof(idx) ||
	    b->val_size != info.value_size || b->val_size > sizeof(val) || page <= 0)
		return -EOPNOTSUPP;
	/* An array's elements are 8-byte aligned; its mapping starts at element 0. */
	elem = (info.value_size + 7) & ~(size_t)7;
	len = ((size_t)info.max_entries * elem + (size_t)page - 1) & ~((size_t)page - 1);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	for (i = 0; i < count && !err; i++) {
		b->set_entry(&idx, val, i, n, g);
		if (idx >= info.max_entries)
			err = -E2BIG;
		else
			memcpy(mem + (size_t)idx * elem, val, b->val_size);
	}
	/* Written before the selector switch that makes them read (a syscall after this). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	munmap(mem, len);
	return err;
}

/* An array's entries: through a mapping, or updated where it cannot be mapped. */
static int fill_array(int fd, const struct batch_spec *b, size_t count,
		      const struct stk_net_compiled *n, const struct gen_place *g)
{
	int err = fill_mapped(fd, b, count, n, g);

	return err == -EOPNOTSUPP ? fill_batched(fd, b, count, n, g) : err;
}

static void set_v4(void *key, void *val, size_t i, const struct stk_net_compiled *n,
			   const struct gen_place *g)
{
	struct stk_net_key4 *k = key;
	__u32 cls = n->v4[i].class_id + g->class_base / STK_NPROTO_COUNT;

	*k = n->v4[i].key;
	k->table = gen_table(k->table, g->gen);
	memcpy(val, &cls, sizeof(cls));
}

static void set_v6(void *key, void *val, size_t i, const struct stk_net_compiled *n,
			   const struct gen_place *g)
{
	struct stk_net_key6 *k = key;
	__u32 cls = n->v6[i].class_id + g->class_base / STK_NPROTO_COUNT;

	*k = n->v6[i].key;
	k->table = gen_table(k->table, g->gen);
	memcpy(val, &cls, sizeof(cls));
}

static void set_seg(void *key, void *val, size_t i, const struct stk_net_compiled *n,
			   const struct gen_place *g)
{
	struct stk_net_seg s = n->segs[i];
	__u32 idx = g->seg_base + (__u32)i;

	s.rule = stk_gen_tag_rule(s.rule, g->gen);
	memcpy(key, &idx, sizeof(idx));
	memcpy(val, &s, sizeof(s));
}

static void set_class(void *key, void *val, size_t i, const struct stk_net_compiled *n,
			   const struct gen_place *g)
{
	struct stk_net_class c = n->classes[i];
	__u32 idx = g->class_base + (__u32)i;

	c.first += g->seg_base;
	memcpy(key, &idx, sizeof(idx));
	memcpy(val, &c, sizeof(c));
}

static int fill_tries(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		      const struct gen_place *g)
{
	static const struct batch_spec v4 = { sizeof(struct stk_net_key4), sizeof(__u32), set_v4 };
	static const struct batch_spec v6 = { sizeof(struct stk_net_key6), sizeof(__u32), set_v6 };
	int err = fill_batched(fds->v4, &v4, n->n_v4, n, g);

	if (!err)
		err = fill_batched(fds->v6, &v6, n->n_v6, n, g);
	return err;
}

/* Marks first byte @b as reached by a rule prefix (struct stk_net_scope). */
static void mark_byte(struct stk_net_scope *s, int dir, int fam, unsigned int b)
{
	s->first_bytes[dir][fam][b / 64] |= 1ull << (b % 64);
}

/*
 * Notes prefix @addr/@plen (rule bits, the key's own not counted) of
 * direction @dir and family @fam, whose class is @cls, in @s.
 */
static void note_prefix(struct stk_net_scope *s, bool *has0, int dir, int fam,
			const __u8 *addr, uint32_t plen, uint32_t cls)
{
	unsigned int b, span;

	if (plen == 0) {
		s->class0[dir][fam] = cls;
		has0[dir * STK_NET_NFAMILIES + fam] = true;
		return;
	}
	/* A /1 to /7 reaches a range of first bytes; a longer prefix, one. */
	span = plen >= 8 ? 1u : 1u << (8 - plen);
	for (b = addr[0] & ~(span - 1); b < (addr[0] & ~(span - 1)) + span; b++)
		mark_byte(s, dir, fam, b);
}

/*
 * Notes rule key @table/@dir of family @fam in the filters @out. A key
 * outside them is left out: its table gets no filter (see fill_arrays).
 */
static void note_key(struct stk_net_scope *out, bool (*has0)[STK_NET_NDIRS * STK_NET_NFAMILIES],
		     uint32_t table, uint32_t dir, int fam, const __u8 *addr, uint32_t prefixlen,
		     uint32_t cls)
{
	if (table < STK_SCOPE_MAX && dir < STK_NET_NDIRS)
		note_prefix(&out[table], has0[table], (int)dir, fam, addr,
			    prefixlen - STK_NET_KEY_BITS, cls);
}

/*
 * The first-byte filters of every table of @n, as generation @g writes
 * them: @out[table] (zeroed by the caller) for each table below
 * STK_SCOPE_MAX (the scopes' tables are their indexes, see network.h).
 */
static void first_byte_filters(const struct stk_net_compiled *n, const struct gen_place *g,
			       struct stk_net_scope *out)
{
	bool has0[STK_SCOPE_MAX][STK_NET_NDIRS * STK_NET_NFAMILIES] = { { false } };
	uint32_t rebase = g->class_base / STK_NPROTO_COUNT;
	size_t i, t;
	int d, f;

	for (i = 0; i < n->n_v4; i++)
		note_key(out, has0, n->v4[i].key.table, n->v4[i].key.dir, 0, n->v4[i].key.addr,
			 n->v4[i].key.prefixlen, n->v4[i].class_id + rebase);
	for (i = 0; i < n->n_v6; i++)
		note_key(out, has0, n->v6[i].key.table, n->v6[i].key.dir, 1, n->v6[i].key.addr,
			 n->v6[i].key.prefixlen, n->v6[i].class_id + rebase);
	/* No /0 found: every address goes to the trie, as without the filter. */
	for (t = 0; t < STK_SCOPE_MAX; t++)
		for (d = 0; d < STK_NET_NDIRS; d++)
			for (f = 0; f < STK_NET_NFAMILIES; f++)
				if (!has0[t][d * STK_NET_NFAMILIES + f])
					memset(out[t].first_bytes[d][f], 0xff,
					       sizeof(out[t].first_bytes[d][f]));
}

static int fill_arrays(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		       const struct gen_place *g)
{
	static const struct batch_spec segs = { sizeof(__u32), sizeof(struct stk_net_seg), set_seg };
	static const struct batch_spec classes = { sizeof(__u32), sizeof(struct stk_net_class),
						   set_class };
	struct stk_net_scope *filters = calloc(STK_SCOPE_MAX, sizeof(*filters));
	__u32 i, idx;
	int err;

	if (!filters)
		return -ENOMEM;
	err = fill_array(fds->segs, &segs, n->n_segs, n, g);
	if (!err)
		err = fill_array(fds->classes, &classes, n->n_classes, n, g);
	if (!err)
		first_byte_filters(n, g, filters);
	for (i = 0; i < STK_SCOPE_MAX && !err; i++) {
		struct stk_net_scope s = { .table = STK_NET_NO_RULES };

		/* Without a network section the tables are 0 but empty: nothing to judge by. */
		if (n->present && n->table[i] != STK_NET_NO_RULES) {
			/* A table the filters do not cover: every address goes to the trie. */
			if (n->table[i] < STK_SCOPE_MAX)
				s = filters[n->table[i]];
			else
				memset(s.first_bytes, 0xff, sizeof(s.first_bytes));
			s.table = gen_table((__u16)n->table[i], g->gen);
		}
		idx = i * STK_CONFIG_SLOTS + g->gen;
		if (bpf_map_update_elem(fds->scopes, &idx, &s, BPF_ANY))
			err = -errno;
	}
	free(filters);
	return err;
}

int stk_net_gen_fill(const struct stk_net_fds *fds, const struct stk_net_compiled *n,
		     uint32_t gen)
{
	struct gen_place g = { gen, 0, 0 };
	uint32_t scopes = 0;
	int err;

	if (gen != 1 && gen != 2)
		return -EINVAL;
	/*
	 * Class ids index classes in steps of STK_NPROTO_COUNT: a half that is
	 * not a multiple of it could not be rebased by adding to the id.
	 */
	err = fits(fds->classes, n->n_classes, &g.class_base, gen);
	if (!err && g.class_base % STK_NPROTO_COUNT)
		err = -EPROTO;
	if (!err)
		err = fits(fds->segs, n->n_segs, &g.seg_base, gen);
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
		err = fill_tries(fds, n, &g);
	if (!err)
		err = fill_arrays(fds, n, &g);
	return err;
}

int stk_net_gen_first(const struct stk_net_fds *fds, const struct stk_net_compiled *n)
{
	struct stk_net_scope table;
	__u32 i, from, to;
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

/* A trie key's table field and generation, for picking keys. */
struct table_gen {
	size_t table_off;
	uint32_t gen;
};

static bool of_table_gen(const void *key, void *arg)
{
	const struct table_gen *tg = arg;
	__u16 table;

	memcpy(&table, (const char *)key + tg->table_off, sizeof(table));
	return (uint32_t)(table >> STK_NET_TABLE_GEN_SHIFT) == tg->gen;
}

/*
 * Collects the keys first and deletes after (stk_map_delete_picked()): a
 * trie's next-key walk restarts from its first key when the key it was
 * given is gone.
 */
static int forget_trie(int fd, size_t key_size, size_t table_off, uint32_t gen)
{
	struct table_gen tg = { table_off, gen };

	return stk_map_delete_picked(fd, key_size, of_table_gen, &tg, NULL);
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
