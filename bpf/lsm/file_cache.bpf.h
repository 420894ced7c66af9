/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * file_cache.bpf.h - the caches of the file walk (file_walk.bpf.h).
 *
 * What the walk finds above a directory (its "ancestry": the first tree
 * verdict from the directory up to the root, or none) is the same for every
 * file in it until a rule changes, a directory above it moves, or a mount
 * above it moves; and what it finds for a file is the same until then too.
 * So both are kept in the inode (inode local storage: an entry dies with its
 * inode, a new inode never sees an old one): a directory's ancestry in
 * stk_file_anc, a file's whole verdict in stk_file_self. A file is then
 * judged by its own entry, or by its own key, its (directory, name) key and
 * its directory's entry, instead of a lookup per path component.
 *
 * An entry is used only if nothing it depends on changed since the walk that
 * wrote it began:
 *   - no dentry moved anywhere: the kernel's rename_lock sequence, which
 *     every change of a d_parent or d_name (rename, exchange, the splicing
 *     of a disconnected or remotely moved directory) advances;
 *   - no mount moved, came or went anywhere: mount_lock's sequence, which
 *     every change of the mount tree advances;
 *   - the rules are the same: the selector's file_epoch, which the agent
 *     advances at every switch of generation and every key it adds to the
 *     generation in force (agent/generation.c);
 *   - the same dentry, reached through the same mount, judged for the same
 *     scope and generation;
 *   - for a file's own entry: a regular file with one link, that never had
 *     another while its inode was in memory (stk_inode_link marks it): with
 *     one name only, its dentry can only ever be that name's (a hard link's
 *     dentry might reuse a freed dentry's address), and not a disconnected
 *     dentry (open_by_handle_at), whose walk stops at itself.
 * A walk stores its result only if both sequences were even (no change in
 * progress) before it and unchanged after it. Directories whose dentries the
 * file system may replace behind the VFS (d_revalidate: NFS, FUSE, /proc,
 * sysfs) are not cached. Without the two kernel symbols (their addresses are
 * read from /proc/kallsyms at load, which takes CAP_SYSLOG) nothing is
 * cached: every decision is the full walk, as before.
 *
 * Entries are written under a sequence counter of their own (a writer takes
 * it odd by compare-and-swap, readers retry nothing: a torn read is a miss).
 */
#ifndef STK_FILE_CACHE_BPF_H
#define STK_FILE_CACHE_BPF_H

#include "common.bpf.h"

#define STK_DCACHE_OP_REVALIDATE 0x4
#define STK_DCACHE_OP_WEAK_REVALIDATE 0x800

/*
 * The addresses of the kernel's rename_lock and mount_lock, which the agent
 * reads from /proc/kallsyms and writes here before load (agent/tree_locks.c);
 * 0 where it sees none (no CAP_SYSLOG): then nothing is cached.
 */
const volatile __u64 stk_rename_lock_addr = 0;
const volatile __u64 stk_mount_lock_addr = 0;

struct stk_walk_entry {
	__u64 version; /* even: stable; odd: a writer is filling it (64 bits: BPF's atomics) */
	__u32 rename_seq;
	__u32 mount_seq;
	__u32 epoch;
	__u32 found; /* 1: verdict is the ancestry's; 0: nothing matched up to the root */
	__u64 dentry; /* the directory's dentry and the mount it was reached through */
	__u64 mnt;
	__u16 gen;
	__u16 scope;
	__u32 linked; /* stk_file_self: the file had another link (never cleared) */
	/*
	 * stk_file_anc: the directory has no name entries (STK_FVAL_HAS_NAMES),
	 * so a file in it is judged by its own key and this entry alone.
	 */
	__u32 no_names;
	struct stk_file_verdict verdict STK_ALIGNED8;
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct stk_walk_entry);
} stk_file_anc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct stk_walk_entry);
} stk_file_self SEC(".maps");

/* The state of the dentry and mount trees an entry is valid for. */
struct stk_tree_seqs {
	__u32 rename;
	__u32 mount;
	__u32 epoch;
};

#define stk_compiler_barrier() asm volatile("" ::: "memory")

/*
 * Reads both sequences (not the epoch: the caller has it from the selector,
 * stk_get_config_epoch()); 0 if the cache may be used (both symbols known,
 * no change in progress), else -1.
 */
static __always_inline int stk_tree_seqs_read(struct stk_tree_seqs *s)
{
	__u32 at = bpf_core_field_offset(seqlock_t, seqcount.seqcount.sequence);

	if (!stk_rename_lock_addr || !stk_mount_lock_addr)
		return -1;
	if (bpf_probe_read_kernel(&s->rename, sizeof(s->rename),
				  (void *)(stk_rename_lock_addr + at)) ||
	    bpf_probe_read_kernel(&s->mount, sizeof(s->mount), (void *)(stk_mount_lock_addr + at)))
		return -1;
	stk_compiler_barrier();
	return ((s->rename | s->mount) & 1) ? -1 : 0;
}

/*
 * The entry of directory @dir (a BTF pointer, from the hook's arguments),
 * created empty if it has none; NULL where nothing may be cached.
 */
static __always_inline struct stk_walk_entry *stk_anc_entry_of(struct dentry *dir)
{
	struct inode *inode;

	if (!dir || (dir->d_flags & (STK_DCACHE_OP_REVALIDATE | STK_DCACHE_OP_WEAK_REVALIDATE)))
		return NULL;
	inode = dir->d_inode;
	if (!inode)
		return NULL;
	return bpf_inode_storage_get(&stk_file_anc, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* What a decision does with the file's own entry (stk_file_self). */
enum stk_self_use {
	/*
	 * None: the file was created by this very call, so it has no entry
	 * (only a racing open could have made one; not looking is a miss).
	 */
	STK_SELF_SKIP,
	STK_SELF_READ, /* use one if there is one (create, delete: not worth making) */
	STK_SELF_MAKE, /* use one, made if missing (opens and execs, which repeat) */
};

#define STK_S_IFMT 00170000
#define STK_S_IFREG 0100000

/*
 * The own entry of the file at @d (a BTF pointer), created empty if it has
 * none and @create; NULL where its verdict may not be cached (see above).
 */
static __always_inline struct stk_walk_entry *stk_self_entry_of(struct dentry *d, bool create)
{
	struct stk_walk_entry *e;
	struct inode *inode;

	if (!d || d->d_parent == d ||
	    (d->d_flags & (STK_DCACHE_OP_REVALIDATE | STK_DCACHE_OP_WEAK_REVALIDATE)))
		return NULL;
	inode = d->d_inode;
	if (!inode || (inode->i_mode & STK_S_IFMT) != STK_S_IFREG || inode->i_nlink != 1)
		return NULL;
	e = bpf_inode_storage_get(&stk_file_self, inode, 0,
				  create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (!e || *(volatile __u32 *)&e->linked)
		return NULL;
	return e;
}

/* A new link to @inode's file (before it is made): its own entry is never used again. */
static __always_inline void stk_self_mark_linked(struct inode *inode)
{
	struct stk_walk_entry *e;

	if (!inode)
		return;
	e = bpf_inode_storage_get(&stk_file_self, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (e)
		e->linked = 1;
}

/*
 * Whether @e holds what the walk finds from @dentry through @mnt for @gen
 * and @scope in the state @s; if so, copies it to @found and @verdict, and
 * its no_names to @no_names if not NULL.
 */
static __always_inline int stk_entry_get(struct stk_walk_entry *e, const void *dentry,
					 const void *mnt, __u16 gen, __u16 scope,
					 const struct stk_tree_seqs *s, __u32 *found,
					 struct stk_file_verdict *verdict, __u32 *no_names)
{
	__u64 v = *(volatile __u64 *)&e->version;
	struct stk_file_verdict got STK_ALIGNED8;
	__u32 got_found, got_no_names;
	int ok;

	if (v & 1)
		return 0;
	stk_compiler_barrier();
	ok = e->rename_seq == s->rename && e->mount_seq == s->mount && e->epoch == s->epoch &&
	     e->dentry == (__u64)dentry && e->mnt == (__u64)mnt && e->gen == gen &&
	     e->scope == scope && e->found <= 1;
	got_found = e->found;
	got_no_names = e->no_names;
	got = e->verdict;
	stk_compiler_barrier();
	if (!ok || *(volatile __u64 *)&e->version != v)
		return 0; /* the caller's walk fills @found and @verdict */
	*found = got_found;
	*verdict = got;
	if (no_names)
		*no_names = got_no_names;
	return 1;
}

/*
 * Stores what a walk that began in state @s found above @dentry (and, for
 * a directory's entry, @no_names), if the trees did not change while it
 * ran and no other writer holds the entry.
 */
static __always_inline void stk_entry_put(struct stk_walk_entry *e, const void *dentry,
					const void *mnt, __u16 gen, __u16 scope,
					const struct stk_tree_seqs *s, __u32 found,
					const struct stk_file_verdict *verdict, __u32 no_names)
{
	struct stk_tree_seqs now;
	__u64 v = *(volatile __u64 *)&e->version;

	if (v & 1)
		return;
	if (stk_tree_seqs_read(&now) || now.rename != s->rename || now.mount != s->mount)
		return;
	if (__sync_val_compare_and_swap(&e->version, v, v + 1) != v)
		return;
	e->rename_seq = s->rename;
	e->mount_seq = s->mount;
	e->epoch = s->epoch;
	e->dentry = (__u64)dentry;
	e->mnt = (__u64)mnt;
	e->gen = gen;
	e->scope = scope;
	e->found = found;
	e->no_names = no_names;
	e->verdict = *verdict;
	stk_compiler_barrier();
	__sync_fetch_and_add(&e->version, 1);
}

#endif /* STK_FILE_CACHE_BPF_H */
