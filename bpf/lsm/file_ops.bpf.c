// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * file_ops.bpf.c - file rules for everything but open: create, delete,
 * rename, link, attr, truncate (write), and connecting or sending to a
 * unix socket file (write).
 *
 * The path hooks (CONFIG_SECURITY_PATH) see the mount as well as the dentry,
 * so the walk crosses mounts as on open. A name being created is judged at
 * its negative dentry: its (directory, name) key, then the directory's
 * ancestry, so a protected path that does not exist yet is covered.
 * The xattr and setattr hooks only see a dentry: their walk stops at the
 * root of the file's filesystem, whose key the agent gives the verdict
 * found above its mountpoint (agent/resolve.c, docs/design.md).
 */
#include "file_walk.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define RENAME_EXCHANGE 2
/* include/linux/fs.h: struct iattr.ia_valid bits */
#define ATTR_SIZE (1 << 3)
#define ATTR_ATIME (1 << 4)
#define ATTR_MTIME (1 << 5)

#define ACC(k) STK_FACC_BIT(STK_FACC_##k)

/* Creating a name in @dir: judged at the new (negative) dentry. */
static __always_inline int stk_create(int ret, const struct path *dir, struct dentry *dentry,
				      __u32 hook)
{
	if (ret)
		return ret; /* an earlier LSM's denial stands */
	return stk_file_check(dentry, dentry, dir, hook, ACC(CREATE));
}

SEC("lsm/path_mknod")
int BPF_PROG(stk_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	/* Also called for open(O_CREAT) of a name that does not exist (may_o_create). */
	return stk_create(ret, dir, dentry, STK_HOOK_PATH_MKNOD);
}

SEC("lsm/path_mkdir")
int BPF_PROG(stk_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return stk_create(ret, dir, dentry, STK_HOOK_PATH_MKDIR);
}

SEC("lsm/path_symlink")
int BPF_PROG(stk_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	return stk_create(ret, dir, dentry, STK_HOOK_PATH_SYMLINK);
}

SEC("lsm/path_unlink")
int BPF_PROG(stk_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return stk_file_check(dentry, dentry, dir, STK_HOOK_PATH_UNLINK, ACC(DELETE));
}

SEC("lsm/path_rmdir")
int BPF_PROG(stk_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return stk_file_check(dentry, dentry, dir, STK_HOOK_PATH_RMDIR, ACC(DELETE));
}

/*
 * The source is renamed away; the destination name is created and, if a
 * file is there, that file is deleted and its path gets new contents
 * (write). An exchange does both to both sides.
 */
SEC("lsm/path_rename")
int BPF_PROG(stk_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	__u32 replace = ACC(CREATE), src = ACC(RENAME), file_epoch = 0;
	struct stk_config *cfg;
	int err;

	if (ret)
		return ret;
	if (BPF_CORE_READ(new_dentry, d_inode))
		replace |= ACC(DELETE) | ACC(WRITE);
	if (flags & RENAME_EXCHANGE) {
		src |= replace;
		replace |= ACC(RENAME);
	}
	/* Both sides under one generation. */
	cfg = stk_get_config_epoch(&file_epoch);
	if (stk_file_unruled(cfg, src | replace))
		return 0;
	err = stk_file_check_at(cfg, file_epoch, old_dentry, NULL, stk_path_mount(old_dir),
				STK_HOOK_PATH_RENAME, src);
	if (err)
		return err;
	return stk_file_check_at(cfg, file_epoch, new_dentry, NULL, stk_path_mount(new_dir),
				 STK_HOOK_PATH_RENAME, replace);
}

/*
 * Any new link to a file (also those the kernel makes, as overlayfs's copy-up
 * and nfsd do, which pass no path hook): its own cached verdict is never used
 * again (bpf/lsm/file_cache.bpf.h). Decides nothing.
 */
SEC("lsm/inode_link")
int BPF_PROG(stk_inode_link, struct dentry *old_dentry, struct inode *dir, struct dentry *new_dentry,
	     int ret)
{
	stk_self_mark_linked(old_dentry->d_inode);
	return ret;
}

/* A new name for an existing file: link on the file, create on the name. */
SEC("lsm/path_link")
int BPF_PROG(stk_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	struct stk_config *cfg;
	__u32 file_epoch = 0;
	struct mount *mnt;
	int err;

	if (ret)
		return ret;
	/* Both sides under one generation. */
	cfg = stk_get_config_epoch(&file_epoch);
	if (stk_file_unruled(cfg, ACC(LINK) | ACC(CREATE)))
		return 0;
	/* Hard links stay inside one mount: the source is reached through it too. */
	mnt = stk_path_mount(new_dir);
	err = stk_file_check_at(cfg, file_epoch, old_dentry, NULL, mnt, STK_HOOK_PATH_LINK, ACC(LINK));
	if (err)
		return err;
	return stk_file_check_at(cfg, file_epoch, new_dentry, NULL, mnt, STK_HOOK_PATH_LINK,
				 ACC(CREATE));
}

SEC("lsm/path_truncate")
int BPF_PROG(stk_path_truncate, const struct path *path, int ret)
{
	if (ret)
		return ret;
	return stk_path_check(path, STK_HOOK_PATH_TRUNCATE, ACC(WRITE));
}

SEC("lsm/path_chmod")
int BPF_PROG(stk_path_chmod, const struct path *path, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return stk_path_check(path, STK_HOOK_PATH_CHMOD, ACC(ATTR));
}

/*
 * kuid_t and kgid_t are passed by value: read the context by slot rather
 * than name them as arguments (path, uid, gid, ret).
 */
SEC("lsm/path_chown")
int stk_path_chown(unsigned long long *ctx)
{
	const struct path *path = (const struct path *)ctx[0];
	int ret = (int)ctx[3];

	if (ret)
		return ret;
	return stk_path_check(path, STK_HOOK_PATH_CHOWN, ACC(ATTR));
}

/* The first argument is a user namespace (6.1) or an idmap (6.3+): unused. */
SEC("lsm/inode_setxattr")
int BPF_PROG(stk_inode_setxattr, void *idmap, struct dentry *dentry, const char *name,
	     const void *value, size_t size, int xflags, int ret)
{
	if (ret)
		return ret;
	return stk_dentry_check(dentry, STK_HOOK_INODE_SETXATTR, ACC(ATTR));
}

SEC("lsm/inode_removexattr")
int BPF_PROG(stk_inode_removexattr, void *idmap, struct dentry *dentry, const char *name, int ret)
{
	if (ret)
		return ret;
	return stk_dentry_check(dentry, STK_HOOK_INODE_REMOVEXATTR, ACC(ATTR));
}

/*
 * Timestamps (utimes, utimensat, futimens) reach no path hook, only
 * inode_setattr, which every attribute change passes. Only a change of
 * atime or mtime is judged here, as attr: mode and owners are judged by
 * path_chmod and path_chown, and a size change (truncate, O_TRUNC, which
 * set mtime too) by path_truncate as write.
 */
static __always_inline int stk_setattr(struct dentry *dentry, struct iattr *attr)
{
	unsigned int valid = BPF_CORE_READ(attr, ia_valid);

	if (!(valid & (ATTR_ATIME | ATTR_MTIME)) || (valid & ATTR_SIZE))
		return 0;
	return stk_dentry_check(dentry, STK_HOOK_INODE_SETATTR, ACC(ATTR));
}

/*
 * The hook gained an idmap as first argument in 6.8; the agent loads the
 * one of these two that matches the running kernel (agent/lsm_walk_set.c).
 */
SEC("lsm/inode_setattr")
int BPF_PROG(stk_inode_setattr, void *idmap, struct dentry *dentry, struct iattr *attr, int ret)
{
	if (ret)
		return ret;
	return stk_setattr(dentry, attr);
}

SEC("lsm/inode_setattr")
int BPF_PROG(stk_inode_setattr_noidmap, struct dentry *dentry, struct iattr *attr, int ret)
{
	if (ret)
		return ret;
	return stk_setattr(dentry, attr);
}

/*
 * Connecting or sending to a unix socket bound to a path reaches that file
 * without opening it; the kernel asks for write permission on it
 * (unix_find_bsd()), and so do the rules. The peer is judged at the path it
 * was bound at (struct unix_sock.path), its inode's own rules included, so
 * every name the caller could use (a symlink, a hard link, a bind mount,
 * /proc/PID/root, a relative path) reaches the same verdict. Abstract and
 * unnamed sockets have no path and no file rule. The agent's own sends
 * (syslog, the service manager's notify socket) are left alone, as in
 * sockets.bpf.c: a refused syslog send would be an event the agent logs
 * through the same socket. 6.1 has no bpf_rdonly_cast() to reach the
 * peer's dentry as a BTF pointer, so the decision is the walk without its
 * caches.
 */
static __always_inline int stk_unix_peer_check(struct sock *peer, __u32 hook)
{
	struct unix_sock *u = (struct unix_sock *)peer;
	__u32 file_epoch = 0;
	struct stk_config *cfg = stk_get_config_epoch(&file_epoch);
	struct mount *mnt;
	struct dentry *d;

	if (!peer || stk_file_unruled(cfg, ACC(WRITE)))
		return 0;
	d = BPF_CORE_READ(u, path.dentry);
	if (!d || stk_current_is_agent())
		return 0;
	mnt = stk_real_mount(BPF_CORE_READ(u, path.mnt));
	return stk_file_check_at(cfg, file_epoch, d, NULL, mnt, hook, ACC(WRITE));
}

/* connect() of a stream or seqpacket socket. */
SEC("lsm/unix_stream_connect")
int BPF_PROG(stk_unix_stream_connect, struct sock *sock, struct sock *other, struct sock *newsk,
	     int ret)
{
	if (ret)
		return ret;
	return stk_unix_peer_check(other, STK_HOOK_UNIX_STREAM_CONNECT);
}

/* connect() of a datagram socket, and each datagram sent. */
SEC("lsm/unix_may_send")
int BPF_PROG(stk_unix_may_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret)
		return ret;
	return stk_unix_peer_check(other->sk, STK_HOOK_UNIX_MAY_SEND);
}
