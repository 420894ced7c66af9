// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * generation.c - policy generations in the maps (see generation.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "generation.h"

int stk_gen_active(int config_fd, uint32_t *ret)
{
	struct stk_config sel;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(config_fd, &zero, &sel))
		return -errno;
	*ret = sel.gen;
	return 0;
}

int stk_gen_write_config(int config_fd, uint32_t gen, uint32_t scope, struct stk_config *cfg)
{
	uint32_t index = scope * STK_CONFIG_SLOTS + gen;

	if (scope >= STK_SCOPE_MAX || gen >= STK_CONFIG_SLOTS)
		return -EINVAL;
	cfg->gen = gen;
	cfg->scope = (__u16)scope;
	stk_gen_tag_verdict(&cfg->file_default, gen);
	return bpf_map_update_elem(config_fd, &index, cfg, 0) ? -errno : 0;
}

/*
 * Programs run inside an RCU read-side section; an update of a map-in-map
 * makes the kernel wait for a grace period before bpf() returns (it exists
 * so user space knows no program still sees the old value), which is the
 * wait we need. Preemptible RCU kernels need this even on one CPU.
 */
static int wait_for_programs(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int inner, outer, err = 0;
	uint32_t zero = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "stk_rcu_in", 4, 4, 1, NULL);
	if (inner < 0)
		return -errno;
	opts.inner_map_fd = inner;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "stk_rcu_out", 4, 4, 1, &opts);
	if (outer < 0)
		err = -errno;
	else if (bpf_map_update_elem(outer, &zero, &inner, 0))
		err = -errno;
	if (outer >= 0)
		close(outer);
	close(inner);
	return err;
}

/*
 * Writes the selector with the file rules' epoch advanced, and generation
 * @gen in force (0: the one in force stays).
 */
static int advance_selector(int config_fd, uint32_t gen)
{
	struct stk_config sel;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(config_fd, &zero, &sel))
		return -errno;
	if (gen)
		sel.gen = gen;
	sel.file_epoch++;
	return bpf_map_update_elem(config_fd, &zero, &sel, 0) ? -errno : 0;
}

int stk_gen_switch(int config_fd, uint32_t gen)
{
	/*
	 * Only the selector's gen and file_epoch change, and gens 1 and 2 differ
	 * in one byte: even a byte-wise copy cannot show a program a third gen.
	 * A program that sees the new gen with the old epoch (or the reverse)
	 * caches a walk's result under a pair that the selector, once written,
	 * never has again: both are compared.
	 */
	int err = gen ? advance_selector(config_fd, gen) : -EINVAL;

	return err ? err : wait_for_programs();
}

int stk_gen_file_keys_changed(int config_fd)
{
	return advance_selector(config_fd, 0);
}

/* Room for @need keys of @size bytes at *@buf (*@cap of them now). */
static int reserve(char **buf, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	char *grown;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	grown = realloc(*buf, n * size);
	if (!grown)
		return -ENOMEM;
	*buf = grown;
	*cap = n;
	return 0;
}

/* The kernel's ENOTSUPP, which it returns for a map type without the batch op. */
#define KERNEL_ENOTSUPP 524

bool stk_map_no_batch(int err)
{
	return err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP || err == -KERNEL_ENOTSUPP;
}

/* Keys read per system call; the values come along, unused. */
#define KEYS_BATCH 4096

/* -EOPNOTSUPP: no batch lookups for this map's type (nothing was read). */
static int keys_batched(int fd, size_t key_size, size_t val_size, char **keys, size_t *n,
			size_t *cap)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	/* The batch position: a key (generic maps) or a bucket number (hash maps). */
	size_t pos_size = key_size > 8 ? key_size : 8;
	char *pos = calloc(2, pos_size), *vals = calloc(KEYS_BATCH, val_size);
	bool first = true;
	__u32 count;
	int err = 0;

	if (!pos || !vals)
		err = -ENOMEM;
	while (!err) {
		err = reserve(keys, cap, *n + KEYS_BATCH, key_size);
		if (err)
			break;
		count = KEYS_BATCH;
		err = bpf_map_lookup_batch(fd, first ? NULL : pos, pos + pos_size,
					   *keys + *n * key_size, vals, &count, &opts);
		if (!err || err == -ENOENT)
			*n += count;
		memcpy(pos, pos + pos_size, pos_size);
		first = false;
	}
	free(pos);
	free(vals);
	if (err == -ENOENT)
		return 0;
	if (stk_map_no_batch(err))
		return *n ? -EIO : -EOPNOTSUPP;
	return err;
}

static int keys_walked(int fd, size_t key_size, char **keys, size_t *n, size_t *cap)
{
	int err;

	for (;;) {
		err = reserve(keys, cap, *n + 1, key_size);
		if (err)
			return err;
		if (bpf_map_get_next_key(fd, *n ? *keys + (*n - 1) * key_size : NULL,
					 *keys + *n * key_size))
			break;
		++*n;
	}
	return errno == ENOENT ? 0 : -errno;
}

static bool per_cpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/*
 * Every key of @fd into *@ret_keys (malloc'd, *@ret_n of them). A next-key
 * walk restarts from the first key when its key is gone: nothing may delete
 * meanwhile.
 */
static int map_keys(int fd, size_t key_size, char **ret_keys, size_t *ret_n)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	size_t n = 0, cap = 0;
	char *keys = NULL;
	int err;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.key_size != key_size)
		return -EINVAL;
	/* Per-CPU values take a slot per possible CPU: walked, not batched. */
	err = per_cpu(info.type) ? -EOPNOTSUPP :
				   keys_batched(fd, key_size, info.value_size, &keys, &n, &cap);
	if (err == -EOPNOTSUPP)
		err = keys_walked(fd, key_size, &keys, &n, &cap);
	if (err) {
		free(keys);
		return err;
	}
	*ret_keys = keys;
	*ret_n = n;
	return 0;
}

/* Deletes the @n keys at @keys; a key missing already is fine. */
static int delete_all(int fd, const char *keys, size_t n, size_t key_size)
{
	__u32 count = (__u32)n;
	size_t i;

	if (!n || !bpf_map_delete_batch(fd, keys, &count, NULL))
		return 0;
	/* No batch deletes here, or a key gone already: one by one, where missing is fine. */
	for (i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT)
			return -errno;
	return 0;
}

int stk_map_delete_picked(int fd, size_t key_size, stk_key_pred doomed, void *arg,
			  size_t *ret_deleted)
{
	size_t n = 0, kept = 0, i;
	char *keys = NULL;
	int err;

	err = map_keys(fd, key_size, &keys, &n);
	if (err)
		return err;
	/* The doomed keys, moved to the front. */
	for (i = 0; i < n; i++) {
		if (!doomed(keys + i * key_size, arg))
			continue;
		if (kept != i)
			memcpy(keys + kept * key_size, keys + i * key_size, key_size);
		kept++;
	}
	err = delete_all(fd, keys, kept, key_size);
	free(keys);
	if (!err && ret_deleted)
		*ret_deleted = kept;
	return err;
}

int stk_map_update_all(int fd, const void *keys, const void *vals, size_t n, size_t key_size,
		       size_t val_size, __u64 elem_flags)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = elem_flags);
	__u32 count = (__u32)n;
	size_t i;
	int err;

	if (elem_flags & ~(__u64)BPF_F_LOCK)
		return -EINVAL;
	if (!n)
		return 0;
	err = bpf_map_update_batch(fd, keys, vals, &count, &opts);
	if (stk_map_no_batch(err)) {
		err = 0;
		for (i = 0; i < n && !err; i++)
			if (bpf_map_update_elem(fd, (const char *)keys + i * key_size,
						(const char *)vals + i * val_size, elem_flags))
				err = -errno;
	} else if (!err && count != n) {
		err = -EIO;
	}
	return err;
}

/* Whether the stk_inode_key at the start of @key belongs to generation *@arg. */
static bool of_gen(const void *key, void *arg)
{
	__u16 gen;

	memcpy(&gen, (const char *)key + offsetof(struct stk_inode_key, gen), sizeof(gen));
	return gen == *(const uint32_t *)arg;
}

int stk_gen_delete(int fd, size_t key_size, uint32_t gen)
{
	return gen ? stk_map_delete_picked(fd, key_size, of_gen, &gen, NULL) : 0;
}

int stk_gen_count(int fd, size_t key_size, size_t *ret)
{
	char *keys = NULL;
	int err = map_keys(fd, key_size, &keys, ret);

	free(keys);
	return err;
}
