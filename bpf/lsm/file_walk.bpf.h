/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * file_walk.bpf.h - the file rules' maps, the ancestry walk that decides,
 * and the event writer, shared by every program that judges a file
 * (file.bpf.c: file_open; file_ops.bpf.c: create, delete, rename, link,
 * attr; exec.bpf.c: exec). Each skeleton has its own copy of the maps; the
 * agent makes them one (bpf_map__reuse_fd), see agent/lsm_file.h.
 *
 * A file is judged by what it is, not by the name it was reached under:
 * from the dentry the program walks up the real dentry tree of its
 * superblock (so bind mounts, /proc/PID/fd, /proc/PID/root, chroots and
 * mount namespaces all lead to the same ancestors), crossing into parent
 * mounts at each superblock root, and looks every ancestor up by inode.
 * The first entry found is the longest match and decides every access
 * kind. A dentry without an inode (a name about to be created) is found
 * by its (directory, name) key only. See docs/design.md.
 */
#ifndef STK_FILE_WALK_BPF_H
#define STK_FILE_WALK_BPF_H

#include "common.bpf.h"
#include "file_cache.bpf.h"

/* Deeper than any path the VFS hands out in practice; see stk_walk_step. */
#define STK_WALK_LOOPS 2048
/* Path components the event path builder visits. */
#define STK_PATH_LOOPS 256

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by the agent */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_inode_key);
	__type(value, struct stk_file_value);
} stk_file_inodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by the agent */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct stk_name_key);
	__type(value, struct stk_file_value);
} stk_file_names SEC(".maps");

/* Event under construction: too large for the 512-byte BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stk_event_file);
} stk_file_scratch SEC(".maps");

/* stk_walk.found: how the walk ended. */
#define STK_FOUND_NOTHING 0	 /* at the top, nothing matched: the default decides */
#define STK_FOUND_VERDICT 1	 /* verdict holds the decision */
#define STK_FOUND_WALK_LIMIT 2	 /* deeper than the walk goes */
#define STK_FOUND_DISCONNECTED 3 /* at a dentry made without its directories */

/*
 * DCACHE_DISCONNECTED (include/linux/dcache.h): BIT(5) in every kernel we
 * run on, a #define before 6.15 and in enum dentry_flags since, so not
 * something CO-RE can relocate on all of them.
 */
#define STK_DCACHE_DISCONNECTED 0x20

/* stk_walk.carried: what the step below found for w->dentry's own inode key. */
#define STK_CARRIED_MISS 0 /* no entry, or none with a tree verdict */
#define STK_CARRIED_TREE 1 /* its tree verdict, in verdict (see struct stk_walk) */

struct stk_walk {
	struct dentry *dentry;	   /* where the next step starts */
	struct mount *mnt;	   /* NULL: do not cross mounts (hooks that only see a dentry) */
	struct dentry *parent;	   /* dentry's d_parent */
	const unsigned char *name; /* dentry's d_name.name */
	__u32 found;		   /* STK_FOUND_* */
	__u16 gen;		   /* of the config read at entry: the only keys this walk sees */
	__u16 scope;		   /* the same */
	__u32 dev;		   /* of dentry's superblock (its parents share it) */
	__u32 carried;		   /* STK_CARRIED_* */
	__u32 dir_no_names;	   /* the file's directory has no name entries (0: has, or unknown) */
	/*
	 * The decision once found is STK_FOUND_VERDICT; before, the tree
	 * verdict carried up (carried is STK_CARRIED_TREE), which a step takes
	 * as it is. One field for both: the walk's state lies in the hooks'
	 * frames, which with the step's frame fill the 512-byte stack.
	 */
	struct stk_file_verdict verdict STK_ALIGNED8;
};

/* What the walk reads of a dentry. */
struct stk_dentry_head {
	struct dentry *parent;
	const unsigned char *name;
	struct inode *inode;
};

/*
 * Reads d_parent, d_name.name and d_inode of @d: in one read where they lie
 * in one 32-byte span as in every kernel we run on (d_parent, then the qstr
 * d_name, then d_inode), else one read each. The offsets are constants
 * patched in at load time (CO-RE): the verifier sees one branch only.
 */
static __always_inline void stk_dentry_head_of(struct dentry *d, struct stk_dentry_head *h)
{
	__u32 parent_at = bpf_core_field_offset(struct dentry, d_parent);
	__u32 name_at = bpf_core_field_offset(struct dentry, d_name.name);
	__u32 inode_at = bpf_core_field_offset(struct dentry, d_inode);
	__u64 span[4];

	if (name_at == parent_at + 16 && inode_at == parent_at + 24) {
		/* Zero-filled if it fails, as BPF_CORE_READ's reads are. */
		bpf_probe_read_kernel(span, sizeof(span), (void *)d + parent_at);
		h->parent = (struct dentry *)span[0];
		h->name = (const unsigned char *)span[2];
		h->inode = (struct inode *)span[3];
	} else {
		h->parent = BPF_CORE_READ(d, d_parent);
		h->name = BPF_CORE_READ(d, d_name.name);
		h->inode = BPF_CORE_READ(d, d_inode);
	}
}

static __always_inline int stk_verdict_present(const struct stk_file_verdict *v)
{
	__u8 any = 0;
	int i;

	for (i = 0; i < STK_FACC_COUNT; i++)
		any |= v->action[i];
	return any != STK_ACT_NONE;
}

/*
 * Takes the verdict an entry gives, if any, into @dst: at the file itself
 * (@at_file) its exact part, else its tree part; at an ancestor the tree
 * part only.
 */
static __always_inline int stk_take_into(struct stk_file_verdict *dst,
					 const struct stk_file_value *val, bool at_file)
{
	if (!val)
		return 0;
	if (at_file && stk_verdict_present(&val->exact)) {
		*dst = val->exact;
		return 1;
	}
	if (stk_verdict_present(&val->tree)) {
		*dst = val->tree;
		return 1;
	}
	return 0;
}

static __always_inline int stk_take(struct stk_walk *w, const struct stk_file_value *val,
				    bool at_file)
{
	return stk_take_into(&w->verdict, val, at_file);
}

/*
 * The key of @inode, of the superblock with @dev. A negative dentry has no
 * inode: the key reads as ino 0, which no entry has.
 */
static __always_inline void stk_inode_key_of(struct stk_inode_key *key, struct inode *inode,
					     __u32 dev, const struct stk_walk *w)
{
	key->ino = BPF_CORE_READ(inode, i_ino);
	key->dev = dev;
	key->gen = w->gen;
	key->scope = w->scope;
}

/*
 * Looks up "entry @name in directory @dir", @dir's own entry being @dval:
 * only a directory flagged as holding names has any.
 */
static __always_inline const struct stk_file_value *
stk_name_lookup(const unsigned char *name, const struct stk_inode_key *dir,
		const struct stk_file_value *dval)
{
	struct stk_name_key nkey = {};

	if (!dval || !(dval->flags & STK_FVAL_HAS_NAMES))
		return NULL;
	nkey.dir = *dir;
	if (bpf_probe_read_kernel_str(nkey.name, sizeof(nkey.name), name) < 0)
		return NULL;
	return bpf_map_lookup_elem(&stk_file_names, &nkey);
}

/*
 * From w->dentry, whose own inode entry has been looked up, moves @w one
 * level up: to its parent, or at the root of a superblock to the mountpoint
 * in the parent mount. On the way it looks up the next dentry's inode entry
 * once: for the parent's names flag, to look up (parent, name) here, and
 * carried in @w for the step that starts there. @at_file: w->dentry is the
 * file itself (its name key's exact verdict applies). Returns 1 when the
 * name key decided, -1 at the top (nothing matched), 0 to go on.
 */
static __always_inline int stk_walk_up(struct stk_walk *w, bool at_file)
{
	struct dentry *d = w->dentry, *next = w->parent;
	struct mount *mnt = w->mnt, *up;
	const struct stk_file_value *val;
	struct stk_dentry_head next_head;
	struct stk_inode_key key;
	bool crossing = next == d;

	if (crossing) {
		/*
		 * Its own parent: the root of its file system, a pseudo file
		 * (pipe, memfd: nothing above it), or a dentry the kernel made
		 * for a file handle (open_by_handle_at, nfsd) without the
		 * directories above it. The walk stops there as at the top,
		 * and stk_walk_ended() tells which it was.
		 */
		if (BPF_CORE_READ(d, d_flags) & STK_DCACHE_DISCONNECTED)
			return -1;
		up = mnt ? BPF_CORE_READ(mnt, mnt_parent) : NULL;
		if (!up || up == mnt)
			return -1;
		next = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->dev = BPF_CORE_READ(next, d_sb, s_dev); /* another superblock */
	}
	stk_dentry_head_of(next, &next_head);
	stk_inode_key_of(&key, next_head.inode, w->dev, w);
	val = bpf_map_lookup_elem(&stk_file_inodes, &key);
	/* A mountpoint is not the directory of the root it is crossed from. */
	if (!crossing && stk_take(w, stk_name_lookup(w->name, &key, val), at_file))
		return 1;
	if (at_file && !crossing)
		w->dir_no_names = !val || !(val->flags & STK_FVAL_HAS_NAMES);

	w->dentry = next;
	w->parent = next_head.parent;
	w->name = next_head.name;
	if (val && stk_verdict_present(&val->tree)) {
		w->verdict = val->tree;
		w->carried = STK_CARRIED_TREE;
	} else {
		w->carried = STK_CARRIED_MISS;
	}
	return 0;
}

/*
 * Where a walk that found nothing stopped (w->dentry, its own parent), tells
 * whether that was the top or a dentry made without its directories (see
 * stk_walk_up()): STK_FOUND_DISCONNECTED. Decided after the walk, not in
 * its steps: a fourth way for a step to end made 6.12's verifier follow
 * the loop twice as long (file_open: 122,000 instructions to 238,000).
 */
static __always_inline void stk_walk_ended(struct stk_walk *w)
{
	struct dentry *top = w->dentry;

	if (w->found == STK_FOUND_NOTHING &&
	    (BPF_CORE_READ(top, d_flags) & STK_DCACHE_DISCONNECTED))
		w->found = STK_FOUND_DISCONNECTED;
}

/*
 * The walk's first step, at the file itself (level 0, where exact verdicts
 * apply), run by the program before bpf_loop(): looks up the file's own
 * entry, then goes up. Returns 1 when decided, -1 at the top, 0 to go on.
 * A function of its own: its locals would not fit in the program's frame
 * beside those of the hooks that judge two files (the 512-byte stack).
 */
static __noinline int stk_walk_first(struct stk_walk *w, struct dentry *d)
{
	struct stk_dentry_head head;
	struct stk_inode_key key;

	stk_dentry_head_of(d, &head);
	w->dentry = d;
	w->parent = head.parent;
	w->name = head.name;
	w->dev = BPF_CORE_READ(d, d_sb, s_dev);
	/* A name being created has no inode, so no key of its own. */
	if (head.inode) {
		stk_inode_key_of(&key, head.inode, w->dev, w);
		if (stk_take(w, bpf_map_lookup_elem(&stk_file_inodes, &key), true))
			return 1;
	}
	return stk_walk_up(w, true);
}

/*
 * One step of the ancestry walk above the file; returns 1 to stop. Run by
 * bpf_loop() in stk_walk_rest(), whose context holds the walk's address.
 *
 * Each ancestor is read and looked up once: the step below it (or
 * stk_walk_first) looked its entry up and read its parent and name (one
 * read), and the step here takes what was carried and goes up. The
 * superblock's dev is read once per superblock.
 *
 * Why the file's own step is not in here: 6.1's verifier checks a bpf_loop
 * callback once, with the caller's state at the call, and removes as dead
 * code what that state cannot reach. So nothing here depends on a value the
 * caller sets to a constant (a level, a "nothing carried yet" state): the
 * carried state comes from the first step's lookup (both kinds reach the
 * call), and every step is an ancestor's.
 */
static long stk_walk_step(__u32 index, void *ctx)
{
	struct stk_walk *w = *(struct stk_walk **)ctx;
	int up;

	if (!w)
		return 1;
	if (w->carried == STK_CARRIED_TREE) {
		w->found = STK_FOUND_VERDICT;
		return 1;
	}
	up = stk_walk_up(w, false);
	if (up > 0)
		w->found = STK_FOUND_VERDICT;
	if (up)
		return 1;
	/* The file's step was before the loop: this is level index + 1. */
	if (index == STK_WALK_LOOPS - 2)
		w->found = STK_FOUND_WALK_LIMIT;
	return 0;
}

/*
 * The walk's steps above the file, from where stk_walk_first() left @w, to
 * its end.
 *
 * A global function: the verifier checks it once per program, apart from
 * its callers, with @w as memory whose contents it does not track. Inlined,
 * the bpf_loop() callback was checked again for each state a hook reaches
 * the loop in, and 6.12's verifier follows a callback until its states
 * converge: from the callers' precisely known fields (found, carried, the
 * verdict) that took round after round (path_mknod: 66,000 instructions,
 * against 11,000 on 6.1). Here every field the callback reads is unknown,
 * and what it writes is not tracked, so one round converges.
 *
 * The callback's context holds only @w's address: bpf_loop() takes its
 * context from the stack, and a copy of the walk here would not fit the
 * 512 bytes that the hook's frame, this one and the callback's share.
 */
__noinline int stk_walk_rest(struct stk_walk *w)
{
	struct stk_walk *at = w;

	if (!w)
		return 0;
	bpf_loop(STK_WALK_LOOPS - 1, stk_walk_step, &at, 0);
	stk_walk_ended(w);
	return 0;
}

/*
 * The struct mount around @vfsmnt, which callers read with a helper, not as
 * a BTF load: the walk keeps the mount in its state, where it is a plain
 * number after it crosses a mount, and a BTF pointer there (one type on
 * entry, another after a crossing) made the verifier's work on every file
 * program about a fifth longer (agent start: 27 s to 33 s of emulated time
 * in the VM) to save one helper read per decision.
 */
static __always_inline struct mount *stk_real_mount(struct vfsmount *vfsmnt)
{
	if (!vfsmnt)
		return NULL;
	return (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
}

/* The mount @p is reached through (a helper read: see above). */
static __always_inline struct mount *stk_path_mount(const struct path *p)
{
	return stk_real_mount(BPF_CORE_READ(p, mnt));
}

/* The most severe action among the requested accesses, and its rule. */
static __always_inline __u8 stk_worst(const struct stk_file_verdict *v, __u32 access, __u32 *rule,
				      __u32 *which)
{
	__u8 worst = STK_ACT_NONE, a;
	int i;

	*rule = STK_RULE_NONE;
	*which = 0;
	for (i = 0; i < STK_FACC_COUNT; i++) {
		if (!(access & STK_FACC_BIT(i)))
			continue;
		a = v->action[i];
		if (stk_action_rank(a) > stk_action_rank(worst)) {
			worst = a;
			*rule = v->rule[i];
			*which = 0;
		}
		if (a == worst)
			*which |= STK_FACC_BIT(i);
	}
	return worst;
}

/* What the walk decided for one access to a file. */
struct stk_decided {
	struct mount *mnt; /* the mount it was reached through, once read (else NULL) */
	__u32 rule;
	__u32 which; /* the accesses that decided */
	__u16 flags; /* STK_EVF_* */
	__u8 action;
};

/*
 * The walk above the directory w->dentry, where stk_walk_first() left it,
 * through the ancestry cache (file_cache.bpf.h): @e is the entry kept in
 * the inode of the file's directory (the BTF pointer's d_parent), or NULL.
 * @seqs: the trees' state read before stk_walk_first() read anything of
 * them.
 */
static __always_inline void stk_walk_ancestry(struct stk_walk *w, struct stk_walk_entry *e,
					      const struct stk_tree_seqs *seqs)
{
	void *start = w->dentry, *start_mnt = w->mnt;

	/*
	 * The directory is start but for a rename since the seqs were read (then
	 * nothing is stored, and an entry read is one from before it) or a walk
	 * that crossed into the parent mount at the file (start is the
	 * mountpoint, the "directory" the file): an entry is keyed by start, so
	 * either way it holds start's ancestry, wherever it is kept.
	 */
	if (e && stk_entry_get(e, start, start_mnt, w->gen, w->scope, seqs, &w->found, &w->verdict,
			       NULL))
		return;
	stk_walk_rest(w);
	if (e && w->found <= STK_FOUND_VERDICT)
		stk_entry_put(e, start, start_mnt, w->gen, w->scope, seqs, w->found, &w->verdict,
			      w->dir_no_names);
}

/* What a decision is for besides the file: the trees' state, generation and scope. */
struct stk_decide_at {
	struct stk_tree_seqs seqs;
	__u16 gen;
	__u16 scope;
};

/* What decided: found as stk_walk.found, and the verdict if found is 1. */
struct stk_found {
	__u32 found;
	struct stk_file_verdict verdict STK_ALIGNED8;
};

/*
 * The decision for the file at @d (a BTF pointer) through @mnt without the
 * walk, into @res, when its directory's entry @e holds the directory's
 * ancestry and says the directory has no name entries: then only the
 * file's own key can come before that ancestry (stk_walk_first's order).
 * This is what a name being created (a negative dentry: no key of its own)
 * or a file without a cached verdict of its own (just created, or being
 * deleted) costs: one entry and at most one key, instead of the reads and
 * lookups of the walk's first step. Returns 0 where the walk must decide.
 * A function of its own: its locals would not fit in the hooks' frames.
 */
static __noinline int stk_dir_decide(struct stk_walk_entry *e, struct dentry *d,
				     struct mount *mnt, const struct stk_decide_at *at,
				     struct stk_found *res)
{
	struct stk_inode_key key = {};
	struct dentry *dir = d->d_parent;
	struct inode *inode;
	__u32 no_names = 0;

	/* A superblock's root: the walk crosses into the parent mount. */
	if (dir == d)
		return 0;
	if (!stk_entry_get(e, dir, mnt, at->gen, at->scope, &at->seqs, &res->found, &res->verdict,
			   &no_names) ||
	    !no_names)
		return 0;
	inode = d->d_inode;
	if (!inode)
		return 1;
	key.ino = inode->i_ino;
	key.dev = d->d_sb->s_dev;
	key.gen = at->gen;
	key.scope = at->scope;
	if (stk_take_into(&res->verdict, bpf_map_lookup_elem(&stk_file_inodes, &key), true))
		res->found = 1;
	return 1;
}

/*
 * Whether no rule of the generation of @cfg names any of @access
 * (stk_config.file_unruled): no key says anything but allow for them, and
 * the default says exactly allow for each (stk_file_unruled_default()), so
 * the walk could only find allow (nor refuse a path too deep to see, since
 * no rule could have been above it), and nothing is reported of an allow.
 * Hooks ask this before they read their file's mount or dentry with
 * helpers, which cost more than the rest of an unruled decision; most
 * accesses of a host are unruled. No config cannot happen (array maps
 * always have index 0); it decides nothing.
 */
static __always_inline bool stk_file_unruled(const struct stk_config *cfg, __u32 access)
{
	return !cfg || !(access & ~(__u32)cfg->file_unruled);
}

/* Starts @out as "nothing decided"; decides allow, returning true, if stk_file_unruled(). */
static __always_inline bool stk_file_decided_unruled(const struct stk_config *cfg, __u32 access,
						     struct stk_decided *out)
{
	out->mnt = NULL;
	out->flags = 0;
	out->action = STK_ACT_NONE;
	out->rule = STK_RULE_NONE;
	out->which = 0;
	if (!stk_file_unruled(cfg, access))
		return false;
	if (cfg) {
		out->action = STK_ACT_ALLOW;
		out->which = access;
	}
	return true;
}

/*
 * For a file reached without its directories (STK_FOUND_DISCONNECTED), whose
 * default verdict @out holds: a key on a directory above it could have
 * decided, and could not be looked up. The most severe verdict some key
 * gives @access (stk_config.file_keyed_*) stands in for it where that is
 * more severe than the default: refused (or, where keys only complain or
 * audit, logged as they would) rather than guessed.
 */
static __always_inline void stk_keyed_stands_in(const struct stk_config *cfg, __u32 access,
						struct stk_decided *out)
{
	__u32 which = access & cfg->file_keyed_deny;
	__u8 keyed = STK_ACT_DENY;

	if (!which) {
		which = access & cfg->file_keyed_complain;
		keyed = STK_ACT_DENY | STK_ACT_COMPLAIN;
	}
	if (!which) {
		which = access & cfg->file_keyed_audit;
		keyed = STK_ACT_AUDIT;
	}
	if (!which || stk_action_rank(keyed) <= stk_action_rank(out->action))
		return;
	out->action = keyed;
	out->which = which;
	out->rule = STK_RULE_NONE;
	out->flags = STK_EVF_DISCONNECTED;
}

/*
 * stk_file_walk_decide() - the verdict for @access to the file at @d
 * (reached through mount @mnt, or NULL), by the walk, where
 * stk_file_decided_unruled() did not decide. @d may be a negative dentry
 * (a name being created): then only its (directory, name) key and the
 * directory's ancestry can match. @btf_d: @d as a BTF pointer, from the
 * hook's arguments, for the caches (file_cache.bpf.h); NULL where the hook
 * has none (then every decision is the full walk). @self_use: what to do
 * with the file's own entry (enum stk_self_use). @cfg: the settings in
 * force, and @file_epoch the selector's, both read by
 * stk_get_config_epoch() before anything of the trees.
 */
static __always_inline void stk_file_walk_decide(const struct stk_config *cfg, __u32 file_epoch,
						 struct dentry *d, struct dentry *btf_d,
						 enum stk_self_use self_use, struct mount *mnt,
						 __u32 access, struct stk_decided *out)
{
	struct stk_walk_entry *self = NULL;
	struct stk_decide_at at;
	struct stk_found res;
	int cached = 0;

	at.gen = (__u16)cfg->gen;
	at.scope = cfg->scope;
	/* Before the walk reads any dentry: see file_cache.bpf.h. */
	at.seqs.epoch = file_epoch;
	if (btf_d)
		cached = !stk_tree_seqs_read(&at.seqs);
	/* @d and @btf_d are one pointer: read through a helper and through BTF. */
	if (cached && self_use != STK_SELF_SKIP)
		self = stk_self_entry_of(btf_d, self_use == STK_SELF_MAKE);
	/* A hit costs no walk state: the walk's is set up only when it runs. */
	if (!self || !stk_entry_get(self, d, mnt, at.gen, at.scope, &at.seqs, &res.found,
				    &res.verdict, NULL)) {
		struct stk_walk_entry *dir_e = NULL;

		if (cached)
			dir_e = stk_anc_entry_of(btf_d->d_parent);
		if (!dir_e || !stk_dir_decide(dir_e, btf_d, mnt, &at, &res)) {
			struct stk_walk w = {};
			int first;

			w.gen = at.gen;
			w.scope = at.scope;
			w.mnt = mnt;
			first = stk_walk_first(&w, d);
			if (first > 0)
				w.found = STK_FOUND_VERDICT;
			else if (first == 0)
				stk_walk_ancestry(&w, dir_e, &at.seqs);
			else
				stk_walk_ended(&w);
			res.found = w.found;
			res.verdict = w.verdict;
		}
		if (self && res.found <= STK_FOUND_VERDICT)
			stk_entry_put(self, d, mnt, at.gen, at.scope, &at.seqs, res.found,
				      &res.verdict, 0);
	}

	if (res.found == STK_FOUND_VERDICT) {
		out->action = stk_worst(&res.verdict, access, &out->rule, &out->which);
	} else if (res.found == STK_FOUND_WALK_LIMIT) {
		/* Deeper than we can see: refuse rather than guess. */
		stk_count(STK_CNT_WALK_LIMIT);
		out->action = STK_ACT_DENY;
		out->which = access;
		out->flags = STK_EVF_WALK_LIMIT;
	} else {
		out->action = stk_worst(&cfg->file_default, access, &out->rule, &out->which);
		/* Kernel threads (nfsd decoding its clients' handles) act for the kernel. */
		if (res.found == STK_FOUND_DISCONNECTED && !stk_current_is_kthread())
			stk_keyed_stands_in(cfg, access, out);
	}
}

/*
 * stk_file_decide_cfg() - the verdict for @access to the file at @d,
 * reached through the mount of @via (read, into out->mnt for the event,
 * only once a rule names @access). The rest as for stk_file_walk_decide().
 */
static __always_inline void stk_file_decide_cfg(const struct stk_config *cfg, __u32 file_epoch,
						struct dentry *d, struct dentry *btf_d,
						enum stk_self_use self_use, const struct path *via,
						__u32 access, struct stk_decided *out)
{
	if (stk_file_decided_unruled(cfg, access, out))
		return;
	out->mnt = stk_path_mount(via);
	stk_file_walk_decide(cfg, file_epoch, d, btf_d, self_use, out->mnt, access, out);
}

/* The same, reading the active generation's config (once) itself. */
static __always_inline void stk_file_decide(struct dentry *d, struct dentry *btf_d,
					    enum stk_self_use self_use, const struct path *via,
					    __u32 access, struct stk_decided *out)
{
	__u32 file_epoch = 0;
	struct stk_config *cfg = stk_get_config_epoch(&file_epoch);

	stk_file_decide_cfg(cfg, file_epoch, d, btf_d, self_use, via, access, out);
}

/* Room to write a path right to left, plus slack for the verifier's bounds. */
struct stk_pathbuf {
	char b[STK_PATH_MAX + 256];
	__s32 top; /* where the path ends, passed through memory the verifier does not track */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stk_pathbuf);
} stk_path_scratch SEC(".maps");

struct stk_pathgen {
	struct dentry *d;
	struct mount *mnt;
	__s32 pos;	/* the path starts at buf[pos]; buf[STK_PATH_MAX - 1] is its NUL */
	__u32 truncated;
	__u32 last; /* the component being written is the last one */
};

/* One component of the path, right to left; returns 1 to stop. Run by bpf_loop(). */
static long stk_path_step(__u32 index, void *ctx)
{
	struct stk_pathgen *g = ctx;
	struct dentry *d = g->d;
	struct mount *mnt = g->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *mroot = mnt ? BPF_CORE_READ(mnt, mnt.mnt_root) : NULL;
	const unsigned char *name;
	struct stk_pathbuf *pb;
	struct mount *up;
	__u32 len, zero = 0;
	__s32 pos;

	(void)index;
	/* Looked up here: a map pointer does not survive in the loop's context. */
	pb = bpf_map_lookup_elem(&stk_path_scratch, &zero);
	if (!pb)
		return 1;
	if (d == mroot || (d == parent && !mnt)) {
		/* Root of this mount: go on at its mountpoint in the parent mount. */
		up = mnt ? BPF_CORE_READ(mnt, mnt_parent) : NULL;
		if (!up || up == mnt)
			return 1;
		g->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		g->mnt = up;
		return 0;
	}
	/*
	 * A dentry that is its own parent but not the mount's root: a pseudo
	 * file (memfd, pipe) or a disconnected one. Its name is all there is.
	 */
	if (d == parent)
		g->last = 1;
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	pos = g->pos - (__s32)len - 1;
	if (len > 255 || pos < 0) {
		g->truncated = 1;
		return 1;
	}
	bpf_probe_read_kernel(pb->b + ((pos + 1) & (STK_PATH_MAX - 1)), len & 255, name);
	pb->b[pos & (STK_PATH_MAX - 1)] = '/';
	g->pos = pos;
	g->d = parent;
	return g->last ? 1 : 0;
}

/*
 * Writes the path of where->d (through mount where->mnt) into the event
 * being built (stk_file_scratch) and sets its path_len; returns the bytes
 * of ev->path to send, 0 if it wrote nothing. The path is the one seen from the root of the mount
 * namespace (a hook that only sees a dentry: from the root of its
 * filesystem).
 *
 * A global function: the verifier checks it once per program, apart from
 * its callers. Inlined, it was checked again for each state a hook reaches
 * it in, with the bpf_loop() callback each time; on 6.12, whose verifier
 * follows a callback until its states converge, that was 95% of the file
 * programs' checking (path_mknod: 148,000 instructions, against 7,800 on
 * 6.1; agent start in the VM 36 s against 5 s). Its argument is memory
 * read as numbers: the callers' BTF pointers cannot be passed as such to a
 * global function on 6.1, and the walk below only reads through them.
 */
__noinline __u32 stk_event_path(struct stk_pathgen *where)
{
	struct stk_pathgen g = {};
	struct stk_event_file *ev;
	struct stk_pathbuf *pb;
	__u32 zero = 0, n, start;

	ev = bpf_map_lookup_elem(&stk_file_scratch, &zero);
	pb = bpf_map_lookup_elem(&stk_path_scratch, &zero);
	if (!where || !ev || !pb)
		return 0;
	g.d = where->d;
	g.mnt = where->mnt;
	pb->b[STK_PATH_MAX - 1] = '\0';
	/*
	 * Not a constant the verifier knows. 6.1's checks a bpf_loop callback
	 * once, from the context as the caller left it, and with pos a known
	 * STK_PATH_MAX - 1 it would find "pos < 0" impossible and drop the
	 * branch that stops at the buffer's start. 6.12's follows the callback
	 * until the context's range stops growing: from a known start, pos
	 * (which addresses the buffer, so is never widened) took dozens of
	 * rounds per call. Read back from map memory (volatile, or the
	 * compiler reuses the constant it stored), pos is only known to be in
	 * [0, STK_PATH_MAX - 1], and every later pos lies within that.
	 */
	pb->top = STK_PATH_MAX - 1;
	g.pos = *(volatile __s32 *)&pb->top & (STK_PATH_MAX - 1);
	bpf_loop(STK_PATH_LOOPS, stk_path_step, &g, 0);
	if (g.truncated)
		ev->hdr.flags |= STK_EVF_PATH_TRUNCATED;
	if (g.pos == STK_PATH_MAX - 1) {
		/* The root itself. */
		g.pos--;
		pb->b[STK_PATH_MAX - 2] = '/';
	}
	/* g.pos is in [0, STK_PATH_MAX - 2]; the mask tells the verifier so. */
	start = (__u32)g.pos & (STK_PATH_MAX - 1);
	n = STK_PATH_MAX - start;
	bpf_probe_read_kernel(ev->path, n, pb->b + start);
	ev->path_len = n;
	return n;
}

/*
 * stk_file_event() - reports a decided access to the file @d through
 * mount @mnt. The path comes from @fpath by bpf_d_path() where the hook
 * allows it (non-NULL), else from the walk of stk_event_path().
 */
static __always_inline void stk_file_event(struct dentry *d, struct mount *mnt, struct path *fpath,
					   __u32 hook, __u32 access, const struct stk_decided *dec)
{
	struct stk_event_file *ev;
	__u32 zero = 0;
	long n;

	if (!stk_event_admit(hook, dec->rule, dec->action))
		return;
	ev = bpf_map_lookup_elem(&stk_file_scratch, &zero);
	if (!ev) {
		stk_count(STK_CNT_LOST);
		return;
	}
	stk_fill_hdr(&ev->hdr, STK_EV_FILE, hook);
	ev->hdr.rule = dec->rule;
	ev->hdr.action = dec->action;
	ev->hdr.enforced = stk_verdict_errno(dec->action) != 0;
	ev->hdr.flags |= dec->flags; /* keeps what stk_fill_hdr() set */
	ev->ino = BPF_CORE_READ(d, d_inode, i_ino);
	ev->dev = BPF_CORE_READ(d, d_sb, s_dev);
	ev->access = access;
	ev->denied = dec->which;

	n = fpath ? bpf_d_path(fpath, ev->path, sizeof(ev->path)) : -ENAMETOOLONG;
	if (n == -ENAMETOOLONG) {
		/* No struct path, or longer than an event holds: the walk gives its tail. */
		struct stk_pathgen where = { .d = d, .mnt = mnt };

		/* Sets path_len; 0 (without its scratch maps) is the path error below. */
		n = stk_event_path(&where);
		if (fpath)
			ev->hdr.flags |= STK_EVF_PATH_TRUNCATED;
	} else if (n > 0 && n <= STK_PATH_MAX) {
		ev->path_len = n;
	}
	if (n <= 0 || n > STK_PATH_MAX) {
		ev->hdr.flags |= STK_EVF_PATH_ERROR;
		ev->path[0] = '\0';
		n = 1;
		ev->path_len = n;
	}
	/* n is in [1, STK_PATH_MAX]: spelled out for the verifier, without a branch. */
	n = ((n - 1) & (STK_PATH_MAX - 1)) + 1;
	ev->hdr.size = offsetof(struct stk_event_file, path) + n;
	if (bpf_ringbuf_output(&stk_events, ev, offsetof(struct stk_event_file, path) + n, 0))
		stk_count(STK_CNT_LOST);
	else
		stk_count(STK_CNT_EVENTS);
}

/*
 * stk_file_check_at() - decide, count, report; returns the hook's return
 * value. The one sequence every file hook runs, once it has the config
 * @cfg (and @file_epoch, see stk_file_walk_decide()) and, where a rule
 * names @access, the mount @mnt (NULL: none) of the file @d (@btf_d: as
 * for stk_file_walk_decide()).
 */
static __always_inline int stk_file_check_at(const struct stk_config *cfg, __u32 file_epoch,
					     struct dentry *d, struct dentry *btf_d,
					     struct mount *mnt, __u32 hook, __u32 access)
{
	struct stk_decided dec;
	int err;

	if (stk_file_decided_unruled(cfg, access, &dec))
		return 0;
	stk_file_walk_decide(cfg, file_epoch, d, btf_d, STK_SELF_READ, mnt, access, &dec);
	err = stk_verdict_errno(dec.action);
	if (err)
		stk_count(STK_CNT_DENIED);
	if (stk_action_reported(dec.action))
		stk_file_event(d, mnt, NULL, hook, access, &dec);
	return err;
}

/* For the file @d reached through the mount of @via (read only if a rule names @access). */
static __always_inline int stk_file_check(struct dentry *d, struct dentry *btf_d,
					  const struct path *via, __u32 hook, __u32 access)
{
	__u32 file_epoch = 0;
	struct stk_config *cfg = stk_get_config_epoch(&file_epoch);

	if (stk_file_unruled(cfg, access))
		return 0;
	return stk_file_check_at(cfg, file_epoch, d, btf_d, stk_path_mount(via), hook, access);
}

/* For the file at @path, whose dentry too is then a helper read. */
static __always_inline int stk_path_check(const struct path *path, __u32 hook, __u32 access)
{
	__u32 file_epoch = 0;
	struct stk_config *cfg = stk_get_config_epoch(&file_epoch);

	if (stk_file_unruled(cfg, access))
		return 0;
	return stk_file_check_at(cfg, file_epoch, BPF_CORE_READ(path, dentry), NULL,
				 stk_path_mount(path), hook, access);
}

/*
 * For a hook that sees a dentry and no mount (the inode hooks): the walk
 * stops at the root of the file's filesystem.
 */
static __always_inline int stk_dentry_check(struct dentry *d, __u32 hook, __u32 access)
{
	__u32 file_epoch = 0;
	struct stk_config *cfg = stk_get_config_epoch(&file_epoch);

	return stk_file_check_at(cfg, file_epoch, d, NULL, NULL, hook, access);
}

#endif /* STK_FILE_WALK_BPF_H */
