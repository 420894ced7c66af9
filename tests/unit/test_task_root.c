// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_task_root.c - what the agent reads of other processes through /proc
 * (agent/task_root.c), checked against real child processes: a root's
 * identity equals the directory's own, also for another user's process
 * without CAP_SYS_PTRACE, start times order processes even
 * when a name holds ") ", a stopped thread is seen stopped, a running one
 * times out and a reaped one is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "task_root.h"

/* A child that waits for a signal; its name holds what could fool a parser. */
static pid_t spawn_idle(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, "a) b (c) 9 9", 0, 0, 0);
		for (;;)
			pause();
	}
	return pid;
}

/* Waits until @pid's name is @comm (its exec is through). */
static void wait_comm(pid_t pid, const char *comm)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 500; i++) {
		f = fopen(path, "re");
		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, comm))
			return;
		usleep(10000);
	}
	fail_msg("process %d did not become %s", (int)pid, comm);
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void root_identity_is_the_directory_s(void **state)
{
	struct stk_root_id via_proc, direct;
	int fd, root;

	(void)state;
	fd = stk_task_open_root(getpid(), &via_proc);
	assert_true(fd >= 0);
	close(fd);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	assert_int_equal(stk_root_id_of_fd(root, "/proc/self/mountinfo", &direct), 0);
	close(root);
	assert_int_equal(via_proc.ino, direct.ino);
	assert_int_equal(via_proc.dev, direct.dev);
	assert_int_equal(stk_task_open_root(0x7ffffff0, &direct), -ENOENT);
}

/* Sets capability @v in this process's effective set on or off. */
static void effective(cap_value_t v, bool on)
{
	cap_t caps = cap_get_proc();

	assert_non_null(caps);
	assert_int_equal(cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, on ? CAP_SET : CAP_CLEAR), 0);
	assert_int_equal(cap_set_proc(caps), 0);
	cap_free(caps);
}

/*
 * Without CAP_SYS_PTRACE (the systemd unit's bounding set) root may not
 * follow /proc/PID/root of another user's process; the agent does, with
 * that user's file system ids, and gets the same root.
 */
static void another_users_root_without_sys_ptrace(void **state)
{
	struct stk_root_id mine, theirs;
	char path[64];
	pid_t pid;
	int fd;

	(void)state;
	if (geteuid() != 0) {
		skip(); /* needs root, as the agent has */
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The exec makes it dumpable again, as a container's program is. */
		if (setgid(65534) || setuid(65534))
			_exit(1);
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(1);
	}
	wait_comm(pid, "sleep");
	fd = stk_task_open_root(getpid(), &mine);
	assert_true(fd >= 0);
	close(fd);
	effective(CAP_SYS_PTRACE, false);
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	/* The plain way is refused: the test exercises the other one. */
	assert_true(fd < 0 && (errno == EACCES || errno == EPERM));
	fd = stk_task_open_root(pid, &theirs);
	effective(CAP_SYS_PTRACE, true);
	reap(pid);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(theirs.ino, mine.ino);
	assert_int_equal(theirs.dev, mine.dev);
	/* Root's file system ids are back. */
	assert_int_equal(setfsuid(-1), 0);
}

/*
 * Without CAP_KILL root may not signal another user's process outside its
 * session; stk_task_signal() does, as that user, and gets its own
 * effective uid and capabilities back.
 */
static void continues_another_users_process_without_kill(void **state)
{
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setsid() < 0 || setgid(65534) || setuid(65534))
			_exit(1);
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(1);
	}
	wait_comm(pid, "sleep");
	kill(pid, SIGSTOP);
	assert_int_equal(stk_task_wait_stopped(pid, pid, 2000), 0);
	effective(CAP_KILL, false);
	/* The plain way is refused: the test exercises the other one. */
	assert_int_equal(kill(pid, SIGCONT), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(stk_task_signal(pid, SIGCONT), 0);
	assert_int_equal(geteuid(), 0);
	effective(CAP_KILL, true);
	/* Continued: no longer stopped within a short wait. */
	for (int i = 0; i < 200 && stk_task_wait_stopped(pid, pid, 0) == 0; i++)
		usleep(10000);
	assert_int_equal(stk_task_wait_stopped(pid, pid, 0), -ETIMEDOUT);
	reap(pid);
}

static void start_times_order_processes(void **state)
{
	unsigned long long mine, child;
	pid_t pid;

	(void)state;
	assert_int_equal(stk_task_start_time(getpid(), &mine), 0);
	usleep(20000); /* clock ticks are 10 ms */
	pid = spawn_idle();
	usleep(20000); /* the name is set */
	assert_int_equal(stk_task_start_time(pid, &child), 0);
	reap(pid);
	assert_true(child > mine);
	assert_true(stk_task_start_time(0x7ffffff0, &child) < 0);
}

static void stopped_running_and_gone(void **state)
{
	pid_t pid = spawn_idle();

	(void)state;
	assert_int_equal(stk_task_wait_stopped(pid, pid, 20), -ETIMEDOUT);
	kill(pid, SIGSTOP);
	assert_int_equal(stk_task_wait_stopped(pid, pid, 2000), 0);
	kill(pid, SIGCONT);
	reap(pid);
	assert_int_equal(stk_task_wait_stopped(pid, pid, 20), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_identity_is_the_directory_s),
		cmocka_unit_test(another_users_root_without_sys_ptrace),
		cmocka_unit_test(continues_another_users_process_without_kill),
		cmocka_unit_test(start_times_order_processes),
		cmocka_unit_test(stopped_running_and_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
