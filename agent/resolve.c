// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * resolve.c - compiled path table to map entries (see resolve.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "resolve.h"
#include "sb_dev.h"
#include "verdict.h"

#define SELF_MOUNTINFO "/proc/self/mountinfo"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

void stk_verdict_combine(struct stk_file_verdict *dst, const struct stk_file_verdict *src)
{
	int i;

	for (i = 0; i < STK_FACC_COUNT; i++) {
		if (stk_action_rank(src->action[i]) > stk_action_rank(dst->action[i])) {
			dst->action[i] = src->action[i];
			dst->rule[i] = src->rule[i];
		}
	}
}

void stk_file_value_combine(struct stk_file_value *dst, const struct stk_file_value *src)
{
	stk_verdict_combine(&dst->exact, &src->exact);
	stk_verdict_combine(&dst->tree, &src->tree);
	dst->flags |= src->flags;
}

void stk_file_value_empty(struct stk_file_value *v)
{
	int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < STK_FACC_COUNT; i++)
		v->exact.rule[i] = v->tree.rule[i] = STK_RULE_NONE;
}

static int cmp_inode(const void *a, const void *b)
{
	const struct stk_inode_key *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	const struct stk_name_key *x = a, *y = b;
	int r = cmp_inode(&x->dir, &y->dir);

	return r ? r : strcmp(x->name, y->name);
}

/* Sorts entries of @size bytes (key first) and merges equal keys in place. */
static size_t sort_merge(void *base, size_t n, size_t size, size_t val_off,
			 int (*cmp)(const void *, const void *))
{
	char *p = base;
	size_t out = 0, i;

	if (!n)
		return 0;
	qsort(base, n, size, cmp);
	for (i = 1; i < n; i++) {
		if (!cmp(p + out * size, p + i * size)) {
			stk_file_value_combine((void *)(p + out * size + val_off),
				      (const void *)(p + i * size + val_off));
			continue;
		}
		out++;
		if (out != i)
			memcpy(p + out * size, p + i * size, size);
	}
	return out + 1;
}

static void key_of_stat(const struct stat *st, struct stk_inode_key *key)
{
	memset(key, 0, sizeof(*key));
	key->ino = st->st_ino;
	key->dev = stk_kernel_dev(major(st->st_dev), minor(st->st_dev));
}

int stk_inode_key_of_fd(int fd, struct stk_inode_key *ret)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	key_of_stat(&st, ret);
	return 0;
}

/* Where @src decides an access kind, its verdict replaces @dst's. */
static void verdict_override(struct stk_file_verdict *dst, const struct stk_file_verdict *src)
{
	int i;

	for (i = 0; i < STK_FACC_COUNT; i++) {
		if (src->action[i] != STK_ACT_NONE) {
			dst->action[i] = src->action[i];
			dst->rule[i] = src->rule[i];
		}
	}
}

int stk_file_maps_add_inode(struct stk_file_maps *m, const struct stk_inode_key *key,
			    const struct stk_file_value *val)
{
	struct stk_inode_entry *grown;
	size_t i;

	m->added_ruled |= stk_file_value_ruled(val);
	stk_verdict_keyed(&val->tree, &m->added_keyed);
	for (i = 0; i < m->n_inodes; i++) {
		if (!cmp_inode(&m->inodes[i].key, key)) {
			verdict_override(&m->inodes[i].val.exact, &val->exact);
			verdict_override(&m->inodes[i].val.tree, &val->tree);
			m->inodes[i].val.flags |= val->flags;
			return 0;
		}
	}
	grown = realloc(m->inodes, (m->n_inodes + 1) * sizeof(*m->inodes));
	if (!grown)
		return -ENOMEM;
	m->inodes = grown;
	m->inodes[m->n_inodes].key = *key;
	m->inodes[m->n_inodes].val = *val;
	m->n_inodes++;
	return 0;
}

/*
 * The key the kernel computes for @path: its inode number and its
 * superblock's s_dev, taken from the mount it is on (@devs), since st_dev
 * differs from s_dev on overlayfs and btrfs (see sb_dev.h). st_dev only
 * when the mount is not listed (no /proc, or a mount that came after).
 */
/*
 * statx() of @path as seen from the root @root_fd (AT_FDCWD: the agent's
 * own). A container's paths are looked up with RESOLVE_IN_ROOT, so that
 * "..", absolute symlinks and /proc magic links in the container's tree
 * stay inside it, as they do for its processes.
 */
static int statx_in(int root_fd, const char *path, int flags, struct statx *stx)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int fd, err = 0;

	if (root_fd == AT_FDCWD)
		return statx(AT_FDCWD, path, flags, STATX_INO | STATX_MNT_ID, stx) ? -errno : 0;
	fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	if (statx(fd, "", AT_EMPTY_PATH | flags, STATX_INO | STATX_MNT_ID, stx))
		err = -errno;
	close(fd);
	return err;
}

static int stat_key(int root_fd, const char *path, const struct stk_mount_devs *devs,
		    struct stk_inode_key *key)
{
	struct statx stx;
	__u32 dev;
	int err = statx_in(root_fd, path, 0, &stx);

	if (err)
		return err;
	if (!(stx.stx_mask & STATX_MNT_ID) || stk_mount_devs_find(devs, stx.stx_mnt_id, &dev))
		dev = stk_kernel_dev(stx.stx_dev_major, stx.stx_dev_minor);
	memset(key, 0, sizeof(*key));
	key->ino = stx.stx_ino;
	key->dev = dev;
	return 0;
}

/*
 * The xattr and setattr hooks see only a dentry, so their walk ends at the
 * root of the file's file system instead of going on above its mountpoint
 * as a path walk does. For every mount of a whole file system, the root's
 * inode key gets the subtree verdict the path walk finds at and above the
 * mountpoint: the dentry-only walk then decides as the path walk does. The
 * path walk finds the same verdict there that it found further up. A file
 * system mounted at several places gets the most severe of their verdicts
 * (stk_file_value_combine). Mounts made later are not covered until the next load.
 */
static int add_mount_roots(const struct stk_compiled *c, int root_fd,
			   const struct stk_mount_devs *devs, struct stk_file_maps *m, size_t *cap)
{
	struct stk_file_verdict tree;
	struct statx stx;
	size_t i;
	void *p;
	int r;

	for (i = 0; i < devs->n; i++) {
		const struct stk_mount_dev *md = &devs->v[i];
		struct stk_inode_entry *ie;

		if (!md->fs_root || !strcmp(md->mountpoint, "/"))
			continue;
		r = stk_tree_at_or_above(c, md->mountpoint, &tree);
		if (r <= 0)
			continue; /* nothing above but the default, or not a plain path */
		/* The mount must be the one seen there (not covered by another). */
		if (statx_in(root_fd, md->mountpoint, AT_NO_AUTOMOUNT, &stx) ||
		    !(stx.stx_mask & STATX_MNT_ID) || stx.stx_mnt_id != md->mnt_id)
			continue;
		if (m->n_inodes == *cap) {
			p = realloc(m->inodes, 2 * *cap * sizeof(*m->inodes));
			if (!p)
				return -ENOMEM;
			m->inodes = p;
			*cap *= 2;
		}
		ie = &m->inodes[m->n_inodes++];
		memset(&ie->key, 0, sizeof(ie->key));
		ie->key.ino = stx.stx_ino;
		ie->key.dev = md->dev;
		stk_file_value_empty(&ie->val);
		ie->val.tree = tree;
	}
	return 0;
}

/*
 * The last directory looked up, with its key or error: the table is sorted,
 * so the files of one directory come one after another and their directory
 * is looked up once, not once per file.
 */
struct dir_cache {
	char path[STK_PATH_MAX];
	struct stk_inode_key key;
	int err;
	bool valid;
};

static int dir_key(struct dir_cache *dc, int root_fd, const char *dir,
		   const struct stk_mount_devs *devs, struct stk_inode_key *key)
{
	if (!dc->valid || strcmp(dc->path, dir)) {
		dc->err = stat_key(root_fd, dir, devs, &dc->key);
		strcpy(dc->path, dir); /* both STK_PATH_MAX: split_last() checked */
		dc->valid = true;
	}
	if (!dc->err)
		*key = dc->key;
	return dc->err;
}

/* Splits "/a/b/c" into directory "/a/b" (in @dir) and the last component. */
static const char *split_last(const char *path, char *dir, size_t dir_len)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash - path;

	if (n == 0)
		n = 1; /* the parent of "/x" is "/" */
	if (n >= dir_len)
		return NULL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return slash + 1;
}

static int cmp_path_entry(const void *key, const void *elem)
{
	return strcmp(key, ((const struct stk_path_entry *)elem)->path);
}

/* Whether @path is in @host's table, whose missing paths were already reported. */
static bool reported(const struct stk_compiled *host, const char *path)
{
	return host && bsearch(path, host->paths, host->n_paths, sizeof(*host->paths),
			       cmp_path_entry);
}

/*
 * The entries of one scope's table @c, keys tagged with @scope, its paths
 * looked up in @root_fd (AT_FDCWD: the agent's root) whose mounts
 * @mountinfo lists.
 */
static int resolve_scope(const struct stk_compiled *c, __u16 scope, int root_fd,
			 const char *mountinfo, const struct stk_compiled *host,
			 struct stk_file_maps *ret, stk_resolve_warn_fn warn, void *arg)
{
	struct stk_file_maps m = {};
	struct stk_mount_devs devs = {};
	struct dir_cache *dc = NULL;
	char dir[STK_PATH_MAX];
	const char *base;
	size_t i, n_dirs, cap;
	int err = 0, e1, e2;
	bool named;

	/* Room for an inode key per path, plus one per name key's directory. */
	cap = 2 * c->n_paths + 1;
	m.inodes = calloc(cap, sizeof(*m.inodes));
	m.names = calloc(c->n_paths + 1, sizeof(*m.names));
	dc = calloc(1, sizeof(*dc));
	if (!m.inodes || !m.names || !dc) {
		err = -ENOMEM;
		goto cleanup;
	}
	/* Without /proc every key falls back to st_dev, as stat_key says. */
	err = stk_mount_devs_read_file(mountinfo, &devs);
	if (err == -ENOMEM)
		goto cleanup;
	err = 0;
	for (i = 0; i < c->n_paths; i++) {
		const struct stk_path_entry *pe = &c->paths[i];
		struct stk_inode_entry *ie = &m.inodes[m.n_inodes];
		struct stk_name_entry *ne = &m.names[m.n_names];

		e1 = stat_key(root_fd, pe->path, &devs, &ie->key);
		if (!e1) {
			ie->val = pe->value;
			m.n_inodes++;
		}
		e2 = -ENOENT;
		base = strcmp(pe->path, "/") ? split_last(pe->path, dir, sizeof(dir)) : NULL;
		if (base && strlen(base) <= STK_NAME_MAX) {
			e2 = dir_key(dc, root_fd, dir, &devs, &ne->key.dir);
			if (!e2) {
				memset(ne->key.name, 0, sizeof(ne->key.name));
				memcpy(ne->key.name, base, strlen(base));
				ne->val = pe->value;
				ne->val.flags = 0;
				m.n_names++;
			}
		}
		named = base && !e2;
		if (e1 && warn && !reported(host, pe->path))
			warn(pe->path, e1, named, arg);
	}
	for (i = 0; i < m.n_inodes; i++)
		m.inodes[i].key.scope = scope;
	for (i = 0; i < m.n_names; i++)
		m.names[i].key.dir.scope = scope;

	/* Every directory holding name keys is flagged, so lookups stay cheap. */
	n_dirs = 0;
	for (i = 0; i < m.n_names; i++) {
		struct stk_inode_entry *ie = &m.inodes[m.n_inodes + n_dirs++];

		ie->key = m.names[i].key.dir;
		stk_file_value_empty(&ie->val);
		ie->val.flags = STK_FVAL_HAS_NAMES;
	}
	m.n_inodes += n_dirs;
	err = add_mount_roots(c, root_fd, &devs, &m, &cap);
	if (err)
		goto cleanup;
	m.n_inodes = sort_merge(m.inodes, m.n_inodes, sizeof(*m.inodes),
				offsetof(struct stk_inode_entry, val), cmp_inode);
	m.n_names = sort_merge(m.names, m.n_names, sizeof(*m.names),
			       offsetof(struct stk_name_entry, val), cmp_name);
	stk_mount_devs_free(&devs);
	free(dc);
	*ret = m;
	return 0;
cleanup:
	stk_mount_devs_free(&devs);
	free(dc);
	stk_file_maps_free(&m);
	return err;
}

/* Appends @src's entries to @dst's; keys of different scopes never merge. */
static int append_maps(struct stk_file_maps *dst, const struct stk_file_maps *src)
{
	struct stk_inode_entry *in;
	struct stk_name_entry *nn;

	in = realloc(dst->inodes, (dst->n_inodes + src->n_inodes + 1) * sizeof(*in));
	if (!in)
		return -ENOMEM;
	dst->inodes = in;
	nn = realloc(dst->names, (dst->n_names + src->n_names + 1) * sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	dst->names = nn;
	memcpy(in + dst->n_inodes, src->inodes, src->n_inodes * sizeof(*in));
	memcpy(nn + dst->n_names, src->names, src->n_names * sizeof(*nn));
	dst->n_inodes += src->n_inodes;
	dst->n_names += src->n_names;
	dst->added_ruled |= src->added_ruled;
	stk_keyed_add(&dst->added_keyed, &src->added_keyed);
	return 0;
}

int stk_resolve_files(const struct stk_compiled *c, struct stk_file_maps *ret,
		      stk_resolve_warn_fn warn, void *arg)
{
	struct stk_file_maps m = {}, one;
	size_t s;
	int err;

	err = resolve_scope(c, 0, AT_FDCWD, SELF_MOUNTINFO, NULL, &m, warn, arg);
	for (s = 0; s < c->n_scopes && !err; s++) {
		err = resolve_scope(c->scopes[s], (__u16)(s + 1), AT_FDCWD, SELF_MOUNTINFO, c, &one,
				    warn, arg);
		if (!err) {
			err = append_maps(&m, &one);
			stk_file_maps_free(&one);
		}
	}
	if (err) {
		stk_file_maps_free(&m);
		return err;
	}
	*ret = m;
	return 0;
}

int stk_resolve_scope_in_root(const struct stk_compiled *c, unsigned int scope, int root_fd,
			      const char *mountinfo, struct stk_file_maps *ret)
{
	if (scope < 1 || scope > c->n_scopes)
		return -ERANGE;
	return resolve_scope(c->scopes[scope - 1], (__u16)scope, root_fd, mountinfo, NULL, ret,
			     NULL, NULL);
}

void stk_file_maps_free(struct stk_file_maps *m)
{
	free(m->inodes);
	free(m->names);
	memset(m, 0, sizeof(*m));
}
