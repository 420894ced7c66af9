// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_kernel_ops.c - the kernel section end to end: mount(2), the new
 * mount API (fsopen/fsconfig/fsmount/move_mount, fspick + reconfigure) and
 * umount, ptrace attach
 * and PTRACE_TRACEME, bpf() from another process (while stockade itself
 * keeps using bpf() and its events arrive), init_module/finit_module, and
 * kexec_file_load all fail with EPERM, module requests are refused and
 * logged; complain mode logs and allows.
 *
 * Each probe first runs without stockade, where root succeeds or fails for
 * another reason (no such module format, no kexec image), so the EPERM
 * under the policy is stockade's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ktest.h"
#include "ktest_ops.h"

#define DIR "/tmp/kt-kops"

#ifndef FSCONFIG_SET_FLAG
#define FSCONFIG_SET_FLAG 0
#endif
#ifndef FSCONFIG_CMD_RECONFIGURE
#define FSCONFIG_CMD_RECONFIGURE 7
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

static int do_bind(void *arg)
{
	(void)arg;
	if (mount(DIR "/src", DIR "/mnt", NULL, MS_BIND, NULL))
		return errno;
	umount2(DIR "/mnt", MNT_DETACH);
	return 0;
}

/* fsopen + fsconfig + fsmount + move_mount: the new mount API. */
static int do_new_mount(void *arg)
{
	int fs, mnt, err = 0;

	(void)arg;
	fs = (int)syscall(SYS_fsopen, "tmpfs", 0);
	if (fs < 0)
		return 100 + errno; /* not what the test is about */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		return 150 + errno;
	mnt = (int)syscall(SYS_fsmount, fs, 0, 0);
	if (mnt < 0)
		return 200 + errno;
	if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, DIR "/mnt", MOVE_MOUNT_F_EMPTY_PATH))
		err = errno;
	else
		umount2(DIR "/mnt", MNT_DETACH);
	close(mnt);
	close(fs);
	return err;
}

/* fspick + fsconfig(RECONFIGURE): a remount through the new API ("rw" changes nothing). */
static int do_reconfigure(void *arg)
{
	int fd, err = 0;

	(void)arg;
	fd = (int)syscall(SYS_fspick, AT_FDCWD, DIR "/held", 0);
	if (fd < 0)
		return 100 + errno;
	if (syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG, "rw", NULL, 0))
		err = 150 + errno;
	else if (syscall(SYS_fsconfig, fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0))
		err = errno;
	close(fd);
	return err;
}

static int do_umount(void *arg)
{
	(void)arg;
	return umount2(DIR "/held", 0) ? errno : 0;
}

static int do_traceme(void *arg)
{
	(void)arg;
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) ? errno : 0;
}

static int do_attach(void *arg)
{
	pid_t target = *(pid_t *)arg;
	int st;

	if (ptrace(PTRACE_ATTACH, target, NULL, NULL))
		return errno;
	waitpid(target, &st, 0);
	ptrace(PTRACE_DETACH, target, NULL, NULL);
	return 0;
}

static int do_bpf(void *arg)
{
	union bpf_attr attr;
	int fd;

	(void)arg;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int do_finit_module(void *arg)
{
	int fd = open(DIR "/not-a-module.ko", O_RDONLY | O_CLOEXEC), err;

	(void)arg;
	if (fd < 0)
		return 100 + errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	return err;
}

static int do_init_module(void *arg)
{
	static char image[256] = "not an ELF module";

	(void)arg;
	return syscall(SYS_init_module, image, sizeof(image), "") ? errno : 0;
}

static int do_kexec(void *arg)
{
	int fd = open(DIR "/not-a-kernel", O_RDONLY | O_CLOEXEC), err;

	(void)arg;
	if (fd < 0)
		return 100 + errno;
	err = syscall(SYS_kexec_file_load, fd, -1, 1, "", KEXEC_FILE_NO_INITRAMFS) ? errno : 0;
	close(fd);
	return err;
}

/* X.25 is a module on Debian kernels: socket() asks for "net-pf-9" first. */
static int do_module_request(void *arg)
{
	int fd = socket(AF_X25, SOCK_SEQPACKET, 0);

	(void)arg;
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, "kt-sleeper");
		for (;;)
			pause();
	}
	return pid;
}

static void stop_sleeper(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static int setup(void **state)
{
	(void)state;
	kt_rm(DIR);
	kt_mkdirs(DIR "/mnt");
	kt_mkdirs(DIR "/src");
	kt_mkdirs(DIR "/held");
	kt_write(DIR "/not-a-module.ko", "this is not an ELF file\n");
	kt_write(DIR "/not-a-kernel", "this is not a kernel image\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kt_agent_reap_all();
	umount2(DIR "/mnt", MNT_DETACH);
	umount2(DIR "/held", MNT_DETACH);
	kt_rm(DIR);
	return 0;
}

static void expect_op(const struct ktest_agent *a, const char *comm, const char *hook,
		      const char *op)
{
	struct json_object *ev = kt_wait_field(a, "comm", comm);

	kt_assert_op_event(ev, hook, "kops", op, "deny", true);
	assert_string_equal(kt_str(ev, "operation"), op);
	json_object_put(ev);
}

static void denied_operations_fail(void **state)
{
	struct ktest_agent a;
	struct json_object *ev;
	pid_t target;
	(void)state;

	/* Without stockade: root may do these, or they fail for other reasons. */
	assert_int_equal(kt_probe("pre-mount", kt_probe_mount_tmpfs, DIR "/mnt"), 0);
	assert_int_equal(kt_probe("pre-bind", do_bind, NULL), 0);
	assert_int_equal(kt_probe("pre-newmnt", do_new_mount, NULL), 0);
	assert_int_equal(kt_probe("pre-traceme", do_traceme, NULL), 0);
	target = sleeper();
	assert_int_equal(kt_probe("pre-attach", do_attach, &target), 0);
	assert_int_equal(kt_probe("pre-bpf", do_bpf, NULL), 0);
	assert_int_not_equal(kt_probe("pre-finit", do_finit_module, NULL), EPERM);
	assert_int_not_equal(kt_probe("pre-init", do_init_module, NULL), EPERM);
	assert_int_not_equal(kt_probe("pre-kexec", do_kexec, NULL), EPERM);
	if (mount("none", DIR "/held", "tmpfs", 0, NULL))
		fail_msg("mount %s: %s", DIR "/held", strerror(errno));

	assert_int_equal(kt_probe("pre-reconf", do_reconfigure, NULL), 0);

	kt_write(DIR "/p.json",
		 "{ \"stockade\": 1, \"name\": \"kops\",\n"
		 "  \"kernel\": { \"deny\": [\"module_load\", \"bpf\", \"mount\", \"ptrace\", "
		 "\"kexec\"] } }\n");
	kt_agent_start(&a, DIR "/p.json", NULL);

	assert_int_equal(kt_probe("k-mount", kt_probe_mount_tmpfs, DIR "/mnt"), EPERM);
	assert_int_equal(kt_probe("k-bind", do_bind, NULL), EPERM);
	assert_int_equal(kt_probe("k-newmnt", do_new_mount, NULL), EPERM);
	assert_int_equal(kt_probe("k-umount", do_umount, NULL), EPERM);
	assert_int_equal(kt_probe("k-reconf", do_reconfigure, NULL), EPERM);
	assert_int_equal(kt_probe("k-traceme", do_traceme, NULL), EPERM);
	assert_int_equal(kt_probe("k-attach", do_attach, &target), EPERM);
	assert_int_equal(kt_probe("k-bpf", do_bpf, NULL), EPERM);
	assert_int_equal(kt_probe("k-finit", do_finit_module, NULL), EPERM);
	assert_int_equal(kt_probe("k-init", do_init_module, NULL), EPERM);
	assert_int_equal(kt_probe("k-kexec", do_kexec, NULL), EPERM);
	/* The refused module request leaves the family unsupported, as without modules. */
	assert_int_equal(kt_probe("k-modreq", do_module_request, NULL), EAFNOSUPPORT);

	expect_op(&a, "k-mount", "sb_mount", "mount");
	ev = kt_wait_field(&a, "comm", "k-mount");
	assert_string_equal(kt_str(ev, "fstype"), "tmpfs");
	json_object_put(ev);
	expect_op(&a, "k-bind", "sb_mount", "mount");
	expect_op(&a, "k-newmnt", "move_mount", "mount");
	expect_op(&a, "k-umount", "sb_umount", "mount");
	expect_op(&a, "k-reconf", "sb_remount", "mount");
	expect_op(&a, "k-traceme", "ptrace_traceme", "ptrace");
	expect_op(&a, "k-attach", "ptrace_access_check", "ptrace");
	ev = kt_wait_field(&a, "comm", "k-attach");
	assert_int_equal(kt_int(ev, "target_pid"), target);
	assert_string_equal(kt_str(ev, "target_comm"), "kt-sleeper");
	json_object_put(ev);
	/* bpf() is refused to others while stockade's own use goes on: this event arrived. */
	expect_op(&a, "k-bpf", "bpf", "bpf");
	ev = kt_wait_field(&a, "comm", "k-bpf");
	assert_int_equal(kt_int(ev, "bpf_cmd"), BPF_MAP_CREATE);
	json_object_put(ev);
	expect_op(&a, "k-finit", "kernel_read_file", "module_load");
	ev = kt_wait_field(&a, "comm", "k-finit");
	assert_string_equal(kt_str(ev, "data"), "module");
	json_object_put(ev);
	expect_op(&a, "k-init", "kernel_load_data", "module_load");
	expect_op(&a, "k-modreq", "kernel_module_request", "module_load");
	ev = kt_wait_field(&a, "comm", "k-modreq");
	assert_string_equal(kt_str(ev, "module"), "net-pf-9");
	json_object_put(ev);
	expect_op(&a, "k-kexec", "kernel_read_file", "kexec");
	ev = kt_wait_field(&a, "comm", "k-kexec");
	assert_string_equal(kt_str(ev, "data"), "kexec_image");
	json_object_put(ev);
	assert_int_equal(kt_count_field(&a, "comm", "stockade"), 0);

	assert_int_equal(kt_agent_stop(&a), 0);
	stop_sleeper(target);
	assert_int_equal(kt_probe("post-bpf", do_bpf, NULL), 0);
	assert_int_equal(kt_probe("post-umount", do_umount, NULL), 0);
}

static void complain_mode_logs_and_allows(void **state)
{
	(void)state;
	kt_complain_logs_and_allows(DIR "/p.json",
				    "{ \"stockade\": 1, \"name\": \"kops\",\n"
				    "  \"kernel\": { \"mode\": \"complain\", "
				    "\"deny\": [\"mount\"] } }\n",
				    "cm-mount", kt_probe_mount_tmpfs, DIR "/mnt", "sb_mount", "kops",
				    "mount");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(denied_operations_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(complain_mode_logs_and_allows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
