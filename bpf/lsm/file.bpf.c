// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * file.bpf.c - file rules: lsm/file_open.
 *
 * A file is judged by what it is, not by the name it was reached under:
 * from the opened dentry the program walks up the real dentry tree of its
 * superblock (so bind mounts, /proc/PID/fd, /proc/PID/root, chroots and
 * mount namespaces all lead to the same ancestors), crossing into parent
 * mounts at each superblock root, and looks every ancestor up by inode.
 * The first entry found is the longest match and decides every access
 * kind (the compiler fills each entry with the combined verdict of all
 * policies there). Cost: two hash lookups per path component, independent
 * of the number of rules. See docs/design.md.
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define O_TRUNC 01000

/* Deeper than any path the VFS hands out in practice; see stk_walk_step. */
#define STK_WALK_LOOPS 2048

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

struct stk_walk {
	struct dentry *dentry;
	struct mount *mnt;
	__u32 level; /* 0 for the opened file itself */
	__u32 found; /* 1: verdict holds the decision; 2: walk limit reached */
	__u32 gen;   /* of the config read at entry: the only keys this walk sees */
	struct stk_file_verdict verdict;
};

static __always_inline int stk_verdict_present(const struct stk_file_verdict *v)
{
	__u8 any = 0;
	int i;

	for (i = 0; i < STK_FACC_COUNT; i++)
		any |= v->action[i];
	return any != STK_ACT_NONE;
}

/*
 * Takes the verdict an entry gives at this level, if any: the exact part
 * only for the file itself, the tree part at every level.
 */
static __always_inline int stk_take(struct stk_walk *w, const struct stk_file_value *val)
{
	if (!val)
		return 0;
	if (w->level == 0 && stk_verdict_present(&val->exact)) {
		w->verdict = val->exact;
		return 1;
	}
	if (stk_verdict_present(&val->tree)) {
		w->verdict = val->tree;
		return 1;
	}
	return 0;
}

static __always_inline void stk_inode_key_of(struct stk_inode_key *key, struct dentry *d,
					     __u32 gen)
{
	key->ino = BPF_CORE_READ(d, d_inode, i_ino);
	key->dev = BPF_CORE_READ(d, d_sb, s_dev);
	key->gen = gen;
}

/* Looks up "name of @d in directory @parent", if that directory has names. */
static __always_inline const struct stk_file_value *stk_name_lookup(struct dentry *d,
								     struct dentry *parent,
								     __u32 gen)
{
	const struct stk_file_value *pval;
	struct stk_name_key nkey = {};

	stk_inode_key_of(&nkey.dir, parent, gen);
	pval = bpf_map_lookup_elem(&stk_file_inodes, &nkey.dir);
	if (!pval || !(pval->flags & STK_FVAL_HAS_NAMES))
		return NULL;
	if (bpf_probe_read_kernel_str(nkey.name, sizeof(nkey.name), BPF_CORE_READ(d, d_name.name)) < 0)
		return NULL;
	return bpf_map_lookup_elem(&stk_file_names, &nkey);
}

/* One step of the ancestry walk; returns 1 to stop. Run by bpf_loop(). */
static long stk_walk_step(__u32 index, void *ctx)
{
	struct stk_walk *w = ctx;
	/* Locals, not w->...: CO-RE relocates every field access inside BPF_CORE_READ. */
	struct dentry *d = w->dentry;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct stk_inode_key key;
	struct mount *up;

	stk_inode_key_of(&key, d, w->gen);
	if (stk_take(w, bpf_map_lookup_elem(&stk_file_inodes, &key)))
		goto found;
	if (parent != d && stk_take(w, stk_name_lookup(d, parent, w->gen)))
		goto found;

	if (parent != d) {
		w->dentry = parent;
	} else {
		/* Root of this superblock: continue at the mountpoint above. */
		up = BPF_CORE_READ(mnt, mnt_parent);
		if (!up || up == mnt)
			return 1; /* the top: nothing matched */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
	}
	w->level++;
	if (index == STK_WALK_LOOPS - 1)
		w->found = 2;
	return 0;
found:
	w->found = 1;
	return 1;
}

static __always_inline struct mount *stk_real_mount(struct vfsmount *vfsmnt)
{
	return (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
}

static __always_inline __u32 stk_open_access(struct file *file)
{
	__u32 fmode = BPF_CORE_READ(file, f_mode);
	__u32 flags = BPF_CORE_READ(file, f_flags);
	__u32 access = 0;

	if (fmode & FMODE_READ)
		access |= STK_FACC_BIT(STK_FACC_READ);
	if ((fmode & FMODE_WRITE) || (flags & O_TRUNC))
		access |= STK_FACC_BIT(STK_FACC_WRITE);
	return access;
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

static __always_inline void stk_file_report(struct file *file, __u32 hook, __u32 access,
					    __u32 which, __u8 action, __u32 rule, __u16 flags)
{
	struct stk_event_file *ev;
	__u32 zero = 0;
	long n;

	ev = bpf_map_lookup_elem(&stk_file_scratch, &zero);
	if (!ev) {
		stk_count(STK_CNT_LOST);
		return;
	}
	stk_fill_hdr(&ev->hdr, STK_EV_FILE, hook);
	ev->hdr.rule = rule;
	ev->hdr.action = action;
	ev->hdr.enforced = stk_verdict_errno(action) != 0;
	ev->hdr.flags = flags;
	ev->ino = BPF_CORE_READ(file, f_inode, i_ino);
	ev->dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	ev->access = access;
	ev->denied = which;

	n = bpf_d_path((struct path *)&file->f_path, ev->path, sizeof(ev->path));
	if (n <= 0 || n > STK_PATH_MAX) {
		ev->hdr.flags |= n == -ENAMETOOLONG ? STK_EVF_PATH_TRUNCATED : STK_EVF_PATH_ERROR;
		ev->path[0] = '\0';
		n = 1;
	}
	ev->path_len = n;
	/* The verifier needs the bound spelled out. */
	n &= 2 * STK_PATH_MAX - 1;
	if (n > STK_PATH_MAX)
		n = STK_PATH_MAX;
	ev->hdr.size = offsetof(struct stk_event_file, path) + n;
	if (bpf_ringbuf_output(&stk_events, ev, offsetof(struct stk_event_file, path) + n, 0))
		stk_count(STK_CNT_LOST);
	else
		stk_count(STK_CNT_EVENTS);
}

SEC("lsm/file_open")
int BPF_PROG(stk_file_open, struct file *file, int ret)
{
	struct stk_walk w = {};
	struct stk_config *cfg;
	__u32 access, rule, which;
	__u16 flags = 0;
	__u8 action;

	if (ret)
		return ret; /* an earlier LSM's denial stands */
	access = stk_open_access(file);
	if (!access)
		return 0;
	cfg = stk_get_config();
	if (!cfg)
		return 0; /* cannot happen: array maps always have index 0 */

	w.gen = cfg->gen;
	w.dentry = BPF_CORE_READ(file, f_path.dentry);
	w.mnt = stk_real_mount(BPF_CORE_READ(file, f_path.mnt));
	bpf_loop(STK_WALK_LOOPS, stk_walk_step, &w, 0);

	if (w.found == 1) {
		action = stk_worst(&w.verdict, access, &rule, &which);
	} else if (w.found == 2) {
		/* Deeper than we can see: refuse rather than guess. */
		stk_count(STK_CNT_WALK_LIMIT);
		action = STK_ACT_DENY;
		rule = STK_RULE_NONE;
		which = access;
		flags = STK_EVF_WALK_LIMIT;
	} else {
		action = stk_worst(&cfg->file_default, access, &rule, &which);
	}

	if (stk_verdict_errno(action))
		stk_count(STK_CNT_DENIED);
	if (stk_action_reported(action))
		stk_file_report(file, STK_HOOK_FILE_OPEN, access, which, action, rule, flags);
	return stk_verdict_errno(action);
}
