// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_file.c - load, fill and attach the file rules' programs.
 *
 * Maps are filled completely before anything is attached, so the first
 * decision the kernel makes is already the whole policy's.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "file.skel.h"
#include "kernel_check.h"
#include "generation.h"
#include "lsm_file.h"
#include "pin.h"
#include "tree_locks.h"
#include "verifier_stats.h"

struct stk_lsm_file {
	struct stk_lsm_file_bpf *skel;
};

static int fill_batch(int fd, const void *entries, size_t n, size_t entry_size, size_t key_size,
		      size_t val_size, uint32_t gen)
{
	struct stk_file_value *v;
	char *keys, *vals;
	const char *e = entries;
	__u16 gen16 = (__u16)gen; /* the key's scope, next to it, is the entry's own */
	size_t i;
	int err;

	if (!n)
		return 0;
	keys = malloc(n * key_size);
	vals = malloc(n * val_size);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		memcpy(keys + i * key_size, e + i * entry_size, key_size);
		/* Both key types start with a stk_inode_key. */
		memcpy(keys + i * key_size + offsetof(struct stk_inode_key, gen), &gen16,
		       sizeof(gen16));
		memcpy(vals + i * val_size, e + i * entry_size + entry_size - val_size, val_size);
		/* Both maps hold stk_file_value. */
		v = (struct stk_file_value *)(vals + i * val_size);
		stk_gen_tag_verdict(&v->exact, gen);
		stk_gen_tag_verdict(&v->tree, gen);
	}
	/*
	 * Every key is new: the generation was emptied first, and keys are
	 * unique. (Not BPF_NOEXIST: the kernel's batch refuses it, and filling
	 * fell back to one system call per key.)
	 */
	err = stk_map_update_all(fd, keys, vals, n, key_size, val_size, BPF_ANY);
cleanup:
	free(keys);
	free(vals);
	return err;
}

static int open_pinned(const char *pin_dir, int *inodes_fd, int *names_fd);

/*
 * One entry into a map holding generation @gen (key and verdicts tagged as
 * fill_batch() does). An entry whose key is there already: @merge combines
 * the two (only for a generation not in force, where replacing an element
 * is safe); otherwise an equal one is fine and a different one counted in
 * @conflicts and left as it is.
 */
static int add_one(int fd, const void *entry, size_t entry_size, size_t key_size, uint32_t gen,
		   bool merge, size_t *conflicts)
{
	char key[sizeof(struct stk_name_key)];
	struct stk_file_value val, old;
	__u16 gen16 = (__u16)gen;

	memcpy(key, entry, key_size);
	memcpy(key + offsetof(struct stk_inode_key, gen), &gen16, sizeof(gen16));
	memcpy(&val, (const char *)entry + entry_size - sizeof(val), sizeof(val));
	stk_gen_tag_verdict(&val.exact, gen);
	stk_gen_tag_verdict(&val.tree, gen);
	if (!bpf_map_update_elem(fd, key, &val, BPF_NOEXIST))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (bpf_map_lookup_elem(fd, key, &old))
		return -errno;
	if (!memcmp(&old, &val, sizeof(val)))
		return 0;
	if (!merge) {
		(*conflicts)++;
		return 0;
	}
	stk_file_value_combine(&old, &val);
	return bpf_map_update_elem(fd, key, &old, BPF_EXIST) ? -errno : 0;
}

int stk_lsm_file_add(const char *pin_dir, const struct stk_file_maps *m, uint32_t gen, bool merge,
		     size_t *conflicts)
{
	int ifd, nfd, err;
	size_t i;

	*conflicts = 0;
	err = open_pinned(pin_dir, &ifd, &nfd);
	if (err)
		return err;
	for (i = 0; i < m->n_inodes && !err; i++)
		err = add_one(ifd, &m->inodes[i], sizeof(m->inodes[i]), sizeof(m->inodes[i].key),
			      gen, merge, conflicts);
	for (i = 0; i < m->n_names && !err; i++)
		err = add_one(nfd, &m->names[i], sizeof(m->names[i]), sizeof(m->names[i].key),
			      gen, merge, conflicts);
	close(ifd);
	close(nfd);
	return err;
}

static __u32 room(size_t n)
{
	return 2 * n + STK_FILE_MAP_HEADROOM;
}

int stk_lsm_file_fill(int inodes_fd, int names_fd, const struct stk_file_maps *m, uint32_t gen)
{
	int err;

	err = fill_batch(inodes_fd, m->inodes, m->n_inodes, sizeof(*m->inodes),
			 sizeof(m->inodes->key), sizeof(m->inodes->val), gen);
	if (!err)
		err = fill_batch(names_fd, m->names, m->n_names, sizeof(*m->names),
				 sizeof(m->names->key), sizeof(m->names->val), gen);
	return err;
}

static int open_pinned(const char *pin_dir, int *inodes_fd, int *names_fd)
{
	*names_fd = -1;
	*inodes_fd = stk_pin_open_map(pin_dir, "stk_file_inodes", 0);
	if (*inodes_fd < 0)
		return *inodes_fd;
	*names_fd = stk_pin_open_map(pin_dir, "stk_file_names", 0);
	if (*names_fd < 0) {
		close(*inodes_fd);
		return *names_fd;
	}
	return 0;
}

int stk_lsm_file_refill(const char *pin_dir, const struct stk_file_maps *m, uint32_t gen)
{
	int ifd, nfd, err;

	err = open_pinned(pin_dir, &ifd, &nfd);
	if (err)
		return err;
	/* Leftovers of a reload that failed half way would collide. */
	err = stk_gen_delete(ifd, sizeof(m->inodes->key), gen);
	if (!err)
		err = stk_gen_delete(nfd, sizeof(m->names->key), gen);
	if (!err)
		err = stk_lsm_file_fill(ifd, nfd, m, gen);
	if (err) {
		stk_gen_delete(ifd, sizeof(m->inodes->key), gen);
		stk_gen_delete(nfd, sizeof(m->names->key), gen);
	}
	close(ifd);
	close(nfd);
	return err;
}

int stk_lsm_file_forget(const char *pin_dir, uint32_t gen)
{
	int ifd, nfd, err;

	err = open_pinned(pin_dir, &ifd, &nfd);
	if (err)
		return err;
	err = stk_gen_delete(ifd, sizeof(struct stk_inode_key), gen);
	if (!err)
		err = stk_gen_delete(nfd, sizeof(struct stk_name_key), gen);
	close(ifd);
	close(nfd);
	return err;
}

int stk_lsm_file_load(struct stk_lsm_file **ret, const struct stk_file_maps *m,
		      struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
		      size_t why_len)
{
	struct stk_lsm_file *f;
	int err;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->skel = stk_lsm_file_bpf__open();
	if (!f->skel) {
		err = -errno;
		snprintf(why, why_len, "opening the BPF object failed: %s", strerror(-err));
		goto cleanup;
	}
	/*
	 * A map's size is fixed at creation: room for this policy and a reload
	 * next to it (both generations live side by side for a moment). The
	 * maps do not preallocate, so room costs nothing until used.
	 */
	bpf_map__set_max_entries(f->skel->maps.stk_file_inodes, room(m->n_inodes));
	bpf_map__set_max_entries(f->skel->maps.stk_file_names, room(m->n_names));
	bpf_map__set_max_entries(f->skel->maps.stk_events, ringbuf_bytes);
	err = stk_tree_locks_set(f->skel->obj);
	if (!err)
		err = stk_shared_maps_use(shared, f->skel->maps.stk_events,
					  f->skel->maps.stk_counters, f->skel->maps.stk_config,
					  f->skel->maps.stk_cgroup_scopes);
	if (!err)
		err = stk_shared_maps_use_agent(shared, f->skel->maps.stk_agent_tasks);
	if (!err)
		err = stk_shared_maps_use_audit(shared, f->skel->obj);
	if (err) {
		snprintf(why, why_len, "sharing maps failed: %s", strerror(-err));
		goto cleanup;
	}

	err = stk_lsm_file_bpf__load(f->skel);
	if (err) {
		stk_kernel_load_error(err, why, why_len);
		goto cleanup;
	}
	stk_log_verified(f->skel->obj);
	err = stk_lsm_file_fill(bpf_map__fd(f->skel->maps.stk_file_inodes),
				bpf_map__fd(f->skel->maps.stk_file_names), m, STK_GEN_FIRST);
	if (err) {
		snprintf(why, why_len, "filling the policy maps failed: %s", strerror(-err));
		goto cleanup;
	}
	stk_shared_maps_adopt(shared, f->skel->maps.stk_events, f->skel->maps.stk_counters,
			      f->skel->maps.stk_config, f->skel->maps.stk_cgroup_scopes);
	stk_shared_maps_adopt_agent(shared, f->skel->maps.stk_agent_tasks);
	stk_shared_maps_adopt_audit(shared, f->skel->obj);
	*ret = f;
	return 0;
cleanup:
	stk_lsm_file_destroy(f);
	return err;
}

void stk_lsm_file_rule_fds(const struct stk_lsm_file *f, int *ret_inodes_fd, int *ret_names_fd,
			   int *ret_anc_fd, int *ret_self_fd)
{
	*ret_inodes_fd = bpf_map__fd(f->skel->maps.stk_file_inodes);
	*ret_names_fd = bpf_map__fd(f->skel->maps.stk_file_names);
	*ret_anc_fd = bpf_map__fd(f->skel->maps.stk_file_anc);
	*ret_self_fd = bpf_map__fd(f->skel->maps.stk_file_self);
}

int stk_lsm_file_attach(struct stk_lsm_file *f, char *why, size_t why_len)
{
	int err = stk_lsm_file_bpf__attach(f->skel);

	if (err)
		stk_kernel_load_error(err, why, why_len);
	return err;
}

const struct bpf_object_skeleton *stk_lsm_file_skeleton(const struct stk_lsm_file *f)
{
	return f->skel->skeleton;
}

void stk_lsm_file_destroy(struct stk_lsm_file *f)
{
	if (!f)
		return;
	stk_lsm_file_bpf__destroy(f->skel);
	free(f);
}
