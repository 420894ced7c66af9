// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kernel_check.c - preconditions for enforcement (see kernel_check.h).
 *
 * stockade refuses to run without enforcement: a missing feature is an
 * error with instructions, never a silent fallback.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kernel_check.h"

#define SECURITYFS "/sys/kernel/security"
#define LSM_LIST SECURITYFS "/lsm"
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

static int read_lsm_list(char *buf, size_t len)
{
	FILE *f = fopen(LSM_LIST, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int lsm_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return 0;
}

int stk_kernel_check(char *why, size_t why_len)
{
	char list[512];
	int err;

	err = read_lsm_list(list, sizeof(list));
	if (err == -ENOENT) {
		/* securityfs may simply not be mounted yet (early boot, containers). */
		if (mount("securityfs", SECURITYFS, "securityfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) == 0 || errno == EBUSY)
			err = read_lsm_list(list, sizeof(list));
	}
	if (err) {
		snprintf(why, why_len,
			 "cannot read %s (%s): securityfs must be mounted to tell whether BPF LSM "
			 "is active (mount -t securityfs securityfs %s)",
			 LSM_LIST, strerror(-err), SECURITYFS);
		return err;
	}
	if (!lsm_listed(list, "bpf")) {
		snprintf(why, why_len,
			 "BPF LSM is not active: the kernel's LSM list is \"%s\". Add \"lsm=%s,bpf\" "
			 "to the kernel command line (for example GRUB_CMDLINE_LINUX in "
			 "/etc/default/grub, then update-grub and reboot); the kernel must be built "
			 "with CONFIG_BPF_LSM=y",
			 list, list);
		return -EOPNOTSUPP;
	}
	if (access(VMLINUX_BTF, R_OK)) {
		err = -errno;
		snprintf(why, why_len,
			 "kernel BTF is missing (%s: %s): stockade's programs need a kernel built "
			 "with CONFIG_DEBUG_INFO_BTF=y",
			 VMLINUX_BTF, strerror(-err));
		return err;
	}
	return 0;
}

void stk_kernel_load_error(int err, char *why, size_t why_len)
{
	if (err == -EPERM)
		snprintf(why, why_len,
			 "the kernel refused to load BPF LSM programs (%s): stockade must run as "
			 "root (CAP_BPF, CAP_SYS_ADMIN, CAP_PERFMON), and kernel lockdown, a "
			 "container runtime or a sandbox may forbid BPF LSM entirely",
			 strerror(-err));
	else if (err == -EACCES)
		/* The verifier's refusal, or a security module's (SELinux's bpf hook). */
		snprintf(why, why_len,
			 "the kernel refused one of stockade's BPF LSM programs (%s): if the "
			 "verifier's log is above, this build of stockade does not fit this "
			 "kernel (please report it with that log); else a security module "
			 "(SELinux, AppArmor) forbids BPF to stockade",
			 strerror(-err));
	else if (err == -E2BIG)
		snprintf(why, why_len,
			 "the kernel's verifier gave up on one of stockade's BPF LSM programs (%s: "
			 "more to check than it allows): this build of stockade does not fit this "
			 "kernel (please report it with the verifier's log above)",
			 strerror(-err));
	else if (err == -EINVAL || err == -524 /* ENOTSUPP */ || err == -EOPNOTSUPP)
		snprintf(why, why_len,
			 "the kernel could not load stockade's BPF LSM programs (%s): it may be "
			 "older than 6.1 or lack BPF LSM, BTF or bpf_loop support (run with -v to "
			 "see the verifier's log)",
			 strerror(-err));
	else
		snprintf(why, why_len, "loading the BPF LSM programs failed: %s", strerror(-err));
}
