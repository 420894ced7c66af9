// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * file.bpf.c - file rules: lsm/file_open (read and write), and
 * lsm/file_receive, which judges a file descriptor another process hands
 * over as if the receiver opened the file.
 *
 * The decision is the ancestry walk of file_walk.bpf.h: one hash lookup
 * per path component (plus a name lookup below directories that hold name
 * rules), independent of the number of rules.
 */
#include "file_walk.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define O_TRUNC 01000
#define FMODE_CREATED 0x100000
#define MNT_INTERNAL 0x4000

static __always_inline __u32 stk_open_access(struct file *file)
{
	__u32 fmode = file->f_mode;
	__u32 flags = file->f_flags;
	__u32 access = 0;

	if (fmode & FMODE_READ)
		access |= STK_FACC_BIT(STK_FACC_READ);
	if ((fmode & FMODE_WRITE) || (flags & O_TRUNC))
		access |= STK_FACC_BIT(STK_FACC_WRITE);
	return access;
}

SEC("lsm/file_open")
int BPF_PROG(stk_file_open, struct file *file, int ret)
{
	struct stk_decided dec;
	struct dentry *d;
	__u32 access;
	int err;

	if (ret)
		return ret; /* an earlier LSM's denial stands */
	access = stk_open_access(file);
	if (!access)
		return 0;
	d = file->f_path.dentry;
	/* A file this open created has no entry of its own, and seldom needs one. */
	stk_file_decide(d, d, (file->f_mode & FMODE_CREATED) ? STK_SELF_SKIP : STK_SELF_MAKE,
			&file->f_path, access, &dec);
	err = stk_verdict_errno(dec.action);
	if (err)
		stk_count(STK_CNT_DENIED);
	if (stk_action_reported(dec.action))
		stk_file_event(d, NULL, (struct path *)&file->f_path, STK_HOOK_FILE_OPEN, access,
			       &dec);
	return err;
}

/*
 * A descriptor received over a unix socket (SCM_RIGHTS), taken with
 * pidfd_getfd() or through binder reaches the file without an open: it is
 * judged as an open with the descriptor's own modes, against the receiver's
 * policy (a process of another scope may hold what this one must not
 * read). A refused SCM_RIGHTS descriptor is left out of the message
 * (MSG_CTRUNC); pidfd_getfd() fails with EPERM. Sockets, pipes, memfds and
 * eventfds live on the kernel's internal mounts, have no path a rule could
 * name, and are what most handovers carry: they are left alone, as is the
 * agent (its monitor hands the reader each new audit log this way).
 * Receives are rare: the decision is the walk without its caches (as
 * file_ops' hooks), which spares every agent start the verifier's work on
 * a second copy of file_open's cached path. bpf_d_path() is not allowed
 * here: the event's path is the walk's.
 */
SEC("lsm/file_receive")
int BPF_PROG(stk_file_receive, struct file *file, int ret)
{
	__u32 file_epoch = 0, access;
	struct stk_config *cfg;

	if (ret)
		return ret;
	access = stk_open_access(file);
	cfg = stk_get_config_epoch(&file_epoch);
	if (!access || stk_file_unruled(cfg, access))
		return 0;
	if ((BPF_CORE_READ(file, f_path.mnt, mnt_flags) & MNT_INTERNAL) || stk_current_is_agent())
		return 0;
	return stk_file_check_at(cfg, file_epoch, file->f_path.dentry, NULL,
				 stk_path_mount(&file->f_path), STK_HOOK_FILE_RECEIVE, access);
}
