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

int stk_gen_switch(int config_fd, uint32_t gen)
{
	struct stk_config sel;
	uint32_t zero = 0;

	/*
	 * Only the selector's gen changes, and 1 and 2 differ in one byte: even a
	 * byte-wise copy cannot show a program a third value.
	 */
	if (bpf_map_lookup_elem(config_fd, &zero, &sel))
		return -errno;
	sel.gen = gen;
	if (bpf_map_update_elem(config_fd, &zero, &sel, 0))
		return -errno;
	return wait_for_programs();
}

int stk_map_delete_keys(int fd, size_t key_size, stk_key_pred doomed, void *arg, size_t *seen,
			size_t *deleted)
{
	char *key = calloc(2, key_size), *next = key + key_size;
	void *prev = NULL;
	int err = 0;

	if (!key)
		return -ENOMEM;
	*seen = *deleted = 0;
	/*
	 * Deleting the current key restarts iteration from the start on some
	 * kernels; deleting the previous one, once past it, is safe.
	 */
	for (;;) {
		bool more = bpf_map_get_next_key(fd, prev, next) == 0;

		if (prev && doomed && doomed(prev, arg)) {
			if (bpf_map_delete_elem(fd, prev) && errno != ENOENT) {
				err = -errno;
				break;
			}
			++*deleted;
		}
		if (!more)
			break;
		memcpy(key, next, key_size);
		prev = key;
		++*seen;
	}
	free(key);
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
	size_t seen, deleted;

	return stk_map_delete_keys(fd, key_size, gen ? of_gen : NULL, &gen, &seen, &deleted);
}

int stk_gen_count(int fd, size_t key_size, size_t *ret)
{
	size_t deleted;

	return stk_map_delete_keys(fd, key_size, NULL, NULL, ret, &deleted);
}
