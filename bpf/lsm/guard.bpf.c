// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * guard.bpf.c - self-protection: nobody but stockade itself may undo
 * stockade, root included (docs/design.md, "Self-protection").
 *
 * "Stockade itself" is a process with the agent mark (stk_agent_tasks).
 * The first agent marks itself from user space; later ones (a restart,
 * "stockade unload") are marked here at exec, when they run the recorded
 * stockade executable and were forked by the launcher (the service manager,
 * marked by the agent; see stk_guard_config). Everything below does
 * nothing until the agent sets STK_GUARDF_ENABLED (--protect), and never
 * touches BPF objects, files or processes that are not stockade's.
 *
 * Hooks do not read their "ret" argument: the bpf hook changed arity
 * between kernels, and an earlier BPF program's denial never reaches us.
 */
#include "ops.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FMODE_WRITE 0x2
#define MAY_WRITE 0x2
#define CLONE_THREAD 0x10000
#define PTRACE_MODE_ATTACH 0x02
#define SIGHUP 1
#define SIGUSR1 10
#define SIGCHLD 17
#define SIGCONT 18
#define SIGURG 23
#define SIGWINCH 28

/*
 * The bpf() commands that take a link fd or id. BPF_PROG_DETACH needs a
 * program fd, which the bpf_prog hook below never hands out for ours.
 */
#define CMD_LINK_UPDATE 29
#define CMD_LINK_GET_FD_BY_ID 30
#define CMD_LINK_DETACH 34

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stk_guard_config);
} stk_guard_cfg SEC(".maps");

/* Ids of every map, program and link of stockade (filled by the agent). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct stk_guard_id);
	__type(value, __u8);
} stk_guard_ids SEC(".maps");

/* The bpffs inodes of the pins and their directories. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct stk_inode_key);
	__type(value, __u8);
} stk_guard_inos SEC(".maps");

/* The launcher, and processes it forked that have not exec'd stockade yet. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} stk_guard_tasks SEC(".maps");

static __always_inline struct stk_guard_config *guard_on(void)
{
	__u32 zero = 0;
	struct stk_guard_config *g = bpf_map_lookup_elem(&stk_guard_cfg, &zero);

	return g && (g->flags & STK_GUARDF_ENABLED) ? g : NULL;
}

static __always_inline bool is_ours(__u32 kind, __u32 id)
{
	struct stk_guard_id key = { .kind = kind, .id = id };

	return id && bpf_map_lookup_elem(&stk_guard_ids, &key);
}

static __always_inline bool task_is_agent(struct task_struct *task)
{
	__u32 *mark = bpf_task_storage_get(&stk_agent_tasks, task, 0, 0);

	return mark && *mark == STK_AGENT_MARK;
}

static __always_inline __u32 guard_mark(struct task_struct *task)
{
	__u32 *mark = bpf_task_storage_get(&stk_guard_tasks, task, 0, 0);

	return mark ? *mark : 0;
}

/*
 * Reports a refusal (counted, and limited like rule decisions: see
 * STK_GUARD_INTERVAL_NS) and returns -EPERM. @name is a kernel string or NULL.
 */
static __always_inline int refuse(__u32 hook, __u32 detail, __u32 obj_id, __u64 ino, __u32 dev,
				  __u32 target_pid, const char *name)
{
	struct stk_event_guard ev;

	stk_count(STK_CNT_DENIED);
	if (!stk_guard_admit(hook))
		return -EPERM;
	stk_op_hdr(&ev.hdr, STK_EV_GUARD, hook, sizeof(ev), STK_ACT_DENY, STK_RULE_NONE);
	ev.ino = ino;
	ev.dev = dev;
	ev.detail = detail;
	ev.obj_id = obj_id;
	ev.target_pid = target_pid;
	ev.name[0] = '\0';
	if (name && bpf_probe_read_kernel_str(ev.name, sizeof(ev.name), name) < 0)
		ev.name[0] = '\0';
	stk_op_send(&ev, sizeof(ev));
	return -EPERM;
}

/*
 * The id of the link behind fd @fd of the current process, 0 if none. Read
 * through current->files like fget() does; should @fd not be a link, the
 * id read is garbage, and refusing a command the kernel would refuse anyway
 * (not a link) costs nothing.
 */
static __always_inline __u32 link_id_of_fd(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;
	struct bpf_link *link;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	link = BPF_CORE_READ(file, private_data);
	return link ? BPF_CORE_READ(link, id) : 0;
}

SEC("lsm/bpf")
int BPF_PROG(stk_guard_bpf, int cmd, union bpf_attr *attr)
{
	__u32 id;

	if (!guard_on() || stk_current_is_agent())
		return 0;
	switch (cmd) {
	case CMD_LINK_DETACH:
		id = link_id_of_fd(BPF_CORE_READ(attr, link_detach.link_fd));
		break;
	case CMD_LINK_UPDATE:
		id = link_id_of_fd(BPF_CORE_READ(attr, link_update.link_fd));
		break;
	case CMD_LINK_GET_FD_BY_ID:
		id = BPF_CORE_READ(attr, link_id);
		break;
	default:
		return 0;
	}
	if (!is_ours(STK_GUARD_LINK, id))
		return 0;
	return refuse(STK_HOOK_GUARD_BPF, cmd, id, 0, 0, 0, NULL);
}

/* Every new map fd: read-only ones stay allowed ("stockade status"). */
SEC("lsm/bpf_map")
int BPF_PROG(stk_guard_bpf_map, struct bpf_map *map, fmode_t fmode)
{
	__u32 id;

	if (!(fmode & FMODE_WRITE) || !guard_on())
		return 0;
	id = BPF_CORE_READ(map, id);
	if (!is_ours(STK_GUARD_MAP, id) || stk_current_is_agent())
		return 0;
	return refuse(STK_HOOK_GUARD_BPF_MAP, fmode, id, 0, 0, 0, BPF_CORE_READ(map, name));
}

/* Every new program fd (by id, from a pin): a program fd detaches (PROG_DETACH). */
SEC("lsm/bpf_prog")
int BPF_PROG(stk_guard_bpf_prog, struct bpf_prog *prog)
{
	__u32 id;

	if (!guard_on())
		return 0;
	id = BPF_CORE_READ(prog, aux, id);
	if (!is_ours(STK_GUARD_PROG, id) || stk_current_is_agent())
		return 0;
	return refuse(STK_HOOK_GUARD_BPF_PROG, 0, id, 0, 0, 0, BPF_CORE_READ(prog, aux, name));
}

/* What @inode is among our pins (STK_GUARD_INO_*), 0 if it is not one. */
static __always_inline __u8 pin_kind(const struct stk_guard_config *g, struct inode *inode,
				     struct stk_inode_key *key)
{
	__u8 *kind;

	if (!inode)
		return 0;
	key->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (key->dev != g->pin_dev)
		return 0;
	key->ino = BPF_CORE_READ(inode, i_ino);
	key->gen = 0;
	key->scope = 0;
	kind = bpf_map_lookup_elem(&stk_guard_inos, key);
	return kind ? *kind : 0;
}

/* The superblock magic of bpffs, where every pin lives (include/uapi/linux/magic.h). */
#define BPF_FS_MAGIC 0xcafe4a11

/* Removing or renaming @dentry, a pin (on bpffs; @dentry: the hook's BTF pointer). */
static __noinline int guard_remove_pin(__u32 hook, struct dentry *dentry)
{
	struct stk_guard_config *g = guard_on();
	struct stk_inode_key key;
	const unsigned char *name;

	if (!g || !pin_kind(g, dentry->d_inode, &key) || stk_current_is_agent())
		return 0;
	name = BPF_CORE_READ(dentry, d_name.name);
	return refuse(hook, 0, 0, key.ino, key.dev, 0, (const char *)name);
}

/*
 * Every unlink, rmdir and rename of the system comes here: rule out every
 * file system but bpffs with direct loads, before any map lookup, as
 * inode_permission does below.
 */
static __always_inline int guard_remove(__u32 hook, struct dentry *dentry)
{
	struct inode *inode = dentry ? dentry->d_inode : NULL;

	if (!inode || inode->i_sb->s_magic != BPF_FS_MAGIC)
		return 0;
	return guard_remove_pin(hook, dentry);
}

SEC("lsm/inode_unlink")
int BPF_PROG(stk_guard_inode_unlink, struct inode *dir, struct dentry *dentry)
{
	return guard_remove(STK_HOOK_GUARD_INODE_UNLINK, dentry);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(stk_guard_inode_rmdir, struct inode *dir, struct dentry *dentry)
{
	return guard_remove(STK_HOOK_GUARD_INODE_RMDIR, dentry);
}

/* Renaming a pin away, or another file over one. */
SEC("lsm/inode_rename")
int BPF_PROG(stk_guard_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry)
{
	int err = guard_remove(STK_HOOK_GUARD_INODE_RENAME, old_dentry);

	return err ? err : guard_remove(STK_HOOK_GUARD_INODE_RENAME, new_dentry);
}

/*
 * Opening a link pin (BPF_OBJ_GET: a link fd detaches and updates), and
 * adding or removing entries of our directories (a foreign "pin" would be
 * adopted by a restarted agent as its own).
 */
/* inode_permission on a bpffs inode (@inode: the hook's BTF pointer). */
static __noinline int guard_bpffs_permission(struct inode *inode, int mask)
{
	struct stk_guard_config *g = guard_on();
	struct stk_inode_key key;
	__u8 kind;

	if (!g || !inode || inode->i_sb->s_dev != g->pin_dev)
		return 0;
	kind = pin_kind(g, inode, &key);
	if (kind != STK_GUARD_INO_LINK && !(kind == STK_GUARD_INO_DIR && (mask & MAY_WRITE)))
		return 0;
	if (stk_current_is_agent())
		return 0;
	return refuse(STK_HOOK_GUARD_INODE_PERMISSION, mask, 0, key.ino, key.dev, 0, NULL);
}

SEC("lsm/inode_permission")
int BPF_PROG(stk_guard_inode_permission, struct inode *inode, int mask)
{
	/*
	 * This runs for every component of every path lookup: rule out every
	 * file system but bpffs (the pins' own) with two direct loads and a
	 * constant, before any map lookup. The rest is a subprogram, so that
	 * this path saves no registers and sets up no stack.
	 */
	if (!inode || inode->i_sb->s_magic != BPF_FS_MAGIC)
		return 0;
	return guard_bpffs_permission(inode, mask);
}

/* Unmounting the bpffs of the pins would release them (and detach links no fd holds). */
SEC("lsm/sb_umount")
int BPF_PROG(stk_guard_sb_umount, struct vfsmount *mnt, int flags)
{
	struct stk_guard_config *g = guard_on();
	__u32 dev;

	if (!g)
		return 0;
	dev = BPF_CORE_READ(mnt, mnt_sb, s_dev);
	if (dev != g->pin_dev || stk_current_is_agent())
		return 0;
	return refuse(STK_HOOK_GUARD_SB_UMOUNT, flags, 0, 0, dev, 0, NULL);
}

/* /proc/PID/mem, process_vm_writev, pidfd_getfd, PTRACE_ATTACH on the agent. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(stk_guard_ptrace_access_check, struct task_struct *child, unsigned int mode)
{
	if (!(mode & PTRACE_MODE_ATTACH) || !guard_on())
		return 0;
	if (!task_is_agent(child->group_leader) || stk_current_is_agent())
		return 0;
	return refuse(STK_HOOK_GUARD_PTRACE, mode, 0, 0, 0, child->tgid, child->comm);
}

/* Signals the agent handles or ignores: reload (HUP), log reopen (USR1), probes (0). */
static __always_inline bool harmless_signal(int sig)
{
	return sig == 0 || sig == SIGHUP || sig == SIGUSR1 || sig == SIGCHLD || sig == SIGCONT ||
	       sig == SIGURG || sig == SIGWINCH;
}

SEC("lsm/task_kill")
int BPF_PROG(stk_guard_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred)
{
	struct task_struct *self;

	if (harmless_signal(sig) || !guard_on() || !task_is_agent(p->group_leader))
		return 0;
	self = bpf_get_current_task_btf();
	if (stk_current_is_agent() || guard_mark(self->group_leader) == STK_GUARD_LAUNCHER)
		return 0;
	return refuse(STK_HOOK_GUARD_TASK_KILL, sig, 0, 0, 0, p->tgid, p->comm);
}

/*
 * A process the launcher forks is "launched": only such a process may
 * become stockade at exec. Marked at fork, not judged by its parent at
 * exec: an orphan's parent becomes pid 1, and CLONE_PARENT picks one.
 */
SEC("lsm/task_alloc")
int BPF_PROG(stk_guard_task_alloc, struct task_struct *task, unsigned long clone_flags)
{
	struct task_struct *self;
	__u32 *mark;

	if ((clone_flags & CLONE_THREAD) || !guard_on())
		return 0;
	self = bpf_get_current_task_btf();
	if (guard_mark(self->group_leader) != STK_GUARD_LAUNCHER)
		return 0;
	mark = bpf_task_storage_get(&stk_guard_tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (mark)
		*mark = STK_GUARD_LAUNCHED;
	return 0;
}

/*
 * At exec: a launched process running the stockade executable becomes the
 * agent; running the launcher's own exec helper (via_exe) it stays
 * launched; anything else ends both marks, so no mark outlives the program
 * it was given to.
 */
SEC("lsm/bprm_committed_creds")
int BPF_PROG(stk_guard_bprm_committed_creds, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct stk_guard_config *g = guard_on();
	struct inode *inode;
	bool launched, agent_exe, via_exe;
	__u32 *mark;
	__u64 ino;
	__u32 dev;

	if (!g)
		return 0;
	inode = BPF_CORE_READ(bprm, file, f_inode);
	ino = BPF_CORE_READ(inode, i_ino);
	dev = BPF_CORE_READ(inode, i_sb, s_dev);
	agent_exe = ino == g->agent_ino && dev == g->agent_dev;
	via_exe = g->via_ino && ino == g->via_ino && dev == g->via_dev;
	launched = guard_mark(task) == STK_GUARD_LAUNCHED;
	if (launched && !via_exe)
		bpf_task_storage_delete(&stk_guard_tasks, task);
	if (agent_exe && launched) {
		mark = bpf_task_storage_get(&stk_agent_tasks, task, 0,
					    BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (mark)
			*mark = STK_AGENT_MARK;
	} else if (!agent_exe && task_is_agent(task)) {
		bpf_task_storage_delete(&stk_agent_tasks, task);
	}
	return 0;
}
