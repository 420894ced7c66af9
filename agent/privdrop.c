// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * privdrop.c - user switch, capability drop and seccomp (see privdrop.h).
 *
 * Order follows openssh uidswap.c and systemd drop_privileges(): the
 * bounding set can only be cleared while CAP_SETPCAP is still held, so it
 * goes first; then groups before gid before uid (each later step removes
 * the right to do the earlier one); then the remaining sets; then checks
 * that nothing came back.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "log.h"
#include "privdrop.h"

int stk_ids_lookup(const char *user, struct stk_ids *ret)
{
	struct stk_ids ids = {};
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw && !strcmp(user, STK_USER_DEFAULT)) {
		stk_warn("privdrop", "user %s does not exist; running the event reader as %s",
			 user, STK_USER_FALLBACK);
		user = STK_USER_FALLBACK;
		errno = 0;
		pw = getpwnam(user);
	}
	if (!pw)
		return errno ? -errno : -ENOENT;
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return -EPERM;
	if (strlen(pw->pw_name) >= sizeof(ids.name))
		return -ENAMETOOLONG;
	strcpy(ids.name, pw->pw_name);
	ids.uid = pw->pw_uid;
	ids.gid = pw->pw_gid;
	ids.n_groups = STK_MAX_GROUPS;
	if (getgrouplist(ids.name, ids.gid, ids.groups, &ids.n_groups) < 0)
		return -E2BIG;
	for (int i = 0; i < ids.n_groups; i++)
		if (ids.groups[i] == 0)
			return -EPERM; /* the root group would keep root's files writable */
	*ret = ids;
	return 0;
}

static int clear_bounding_and_ambient(void)
{
	cap_value_t c;

	for (c = 0; c <= CAP_LAST_CAP || cap_valid(c); c++) {
		if (prctl(PR_CAPBSET_READ, c) < 0)
			break; /* past what this kernel knows */
		if (cap_drop_bound(c))
			return -errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	return 0;
}

static int clear_cap_sets(void)
{
	cap_t caps = cap_init(); /* all three sets empty */
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	return err;
}

static int verify(const struct stk_ids *ids)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	cap_t now, none;
	int differ;

	if (getresuid(&r, &e, &s) || r != ids->uid || e != ids->uid || s != ids->uid)
		return -EPERM;
	if (getresgid(&rg, &eg, &sg) || rg != ids->gid || eg != ids->gid || sg != ids->gid)
		return -EPERM;
	/* The old ids must be gone for good, not only switched away from. */
	if (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0 || setgroups(0, NULL) == 0)
		return -EPERM;
	now = cap_get_proc();
	none = cap_init();
	differ = !now || !none || cap_compare(now, none);
	cap_free(now);
	cap_free(none);
	if (differ)
		return -EPERM;
	if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) != 0 || prctl(PR_CAPBSET_READ, CAP_BPF) != 0)
		return -EPERM;
	return 0;
}

int stk_privdrop(const struct stk_ids *ids)
{
	int err;

	err = clear_bounding_and_ambient();
	if (err)
		return err;
	if (setgroups(ids->n_groups, ids->groups) || setresgid(ids->gid, ids->gid, ids->gid) ||
	    setresuid(ids->uid, ids->uid, ids->uid))
		return -errno;
	err = clear_cap_sets();
	if (!err)
		err = verify(ids);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	return err;
}

/*
 * What the reader does after the drop: poll the ring buffer (mmapped, no
 * bpf() needed), format, write the audit log and syslog, look up cgroup
 * names (nftw over cgroupfs), receive a reopened log fd from the monitor,
 * handle signals. Not in the list, among others: bpf, ptrace, execve,
 * setuid and friends, mount, socket for anything but AF_UNIX.
 */
static const char *const reader_syscalls[] = {
	"read", "write", "writev", "pread64", "close", "lseek", "fcntl", "dup", "dup3",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll",
	"clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
	"futex", "brk", "mmap", "munmap", "mremap", "madvise", "mprotect",
	"rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "sigaltstack", "restart_syscall",
	"exit", "exit_group", "getpid", "gettid", "getppid", "tgkill",
	"fstat", "newfstatat", "statx", "stat", "lstat", "openat", "open", "getdents64",
	"connect", "sendto", "sendmsg", "recvmsg", "getrandom", "getuid", "geteuid",
};

/*
 * Sanitized test builds only (make SANITIZE=1): what the ASan/UBSan runtime
 * needs to print a report (it reads /proc/self/exe and checks dumpability),
 * so a memory error or undefined behaviour in the reader shows as a report
 * rather than as an unexplained SIGSYS. Release builds never allow these.
 */
#if defined(__SANITIZE_ADDRESS__)
static const char *const sanitizer_syscalls[] = {
	"readlink", "readlinkat", "prctl", "sched_yield", "getrlimit", "prlimit64", "uname",
};
#define N_SANITIZER_SYSCALLS (sizeof(sanitizer_syscalls) / sizeof(sanitizer_syscalls[0]))
#else
static const char *const *const sanitizer_syscalls = NULL;
#define N_SANITIZER_SYSCALLS 0
#endif

static int allow_all(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	size_t i;
	int nr, err = 0;

	for (i = 0; i < n && !err; i++) {
		nr = seccomp_syscall_resolve_name(names[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	return err;
}

int stk_seccomp_reader(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int err;

	if (!ctx)
		return -ENOMEM;
	err = allow_all(ctx, reader_syscalls, sizeof(reader_syscalls) / sizeof(reader_syscalls[0]));
	if (!err)
		err = allow_all(ctx, sanitizer_syscalls, N_SANITIZER_SYSCALLS);
	/* syslog reconnects after a journald restart: unix sockets only. */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				       SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}
