// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_task_root.c - what the agent reads of other processes through /proc
 * (agent/task_root.c), checked against real child processes: a root's
 * identity equals the directory's own, start times order processes even
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
		cmocka_unit_test(start_times_order_processes),
		cmocka_unit_test(stopped_running_and_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
