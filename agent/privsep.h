/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * privsep.h - the agent as two processes, in the OpenSSH privsep style.
 *
 * The monitor (the process "stockade run" started as) keeps root: it holds
 * the programs, removes them on SIGTERM, reads the counters (bpf() needs
 * privilege before Linux 6.5) and reopens the audit log on SIGUSR1, but it
 * never parses event data. The reader, forked after everything is attached
 * and pinned, keeps only the ring buffer (mmapped) and the log, drops every
 * privilege (privdrop.h) and turns kernel events into audit lines.
 */
#ifndef STK_PRIVSEP_H
#define STK_PRIVSEP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct stk_privsep {
	bool is_reader;
	pid_t monitor;
	pid_t reader;  /* in the monitor */
	int ready_fd;  /* monitor: read end; reader: write end */
	int fd_sock;   /* passes reopened log fds from the monitor to the reader */
	int report_sock; /* monitor to reader: counter reports for the log (report.h) */
	int go_fd;     /* reader: waits on it until the monitor has marked it; monitor: -1 */
};

/*
 * stk_privsep_fork() - blocks the monitor's signals and forks. In the
 * reader they are unblocked again; ps->is_reader tells which side returned.
 */
int stk_privsep_fork(struct stk_privsep *ps);
/*
 * stk_privsep_release_reader() - monitor: runs @prepare(@reader, @arg) (e.g.
 * marking the reader in the kernel), then lets the reader go on, or kills it
 * if @prepare failed. Return: what @prepare returned.
 */
int stk_privsep_release_reader(struct stk_privsep *ps, int (*prepare)(pid_t, void *), void *arg);
/* Reader: waits until the monitor released it. -EPIPE if it was not. */
int stk_privsep_reader_wait_go(struct stk_privsep *ps);

/* Reader: closes every BPF object fd except @keep_fd (program, map, link, BTF). */
int stk_close_bpf_fds_except(int keep_fd);
/* Reader, after the uid change: makes it die with the monitor. */
int stk_privsep_reader_bind(const struct stk_privsep *ps);
/* Reader, once the drop is complete: tells the monitor. */
int stk_privsep_reader_ready(struct stk_privsep *ps);
/* Reader: a log fd the monitor sent, or -1. */
int stk_privsep_recv_fd(struct stk_privsep *ps);

/*
 * Monitor: sends one datagram of reports without blocking. -EAGAIN when
 * the reader lags behind (the caller keeps them for the next tick).
 */
int stk_privsep_send_report(struct stk_privsep *ps, const void *buf, size_t len);
/* Reader: the next datagram of reports into @buf without blocking; its size, or -1. */
long stk_privsep_recv_report(struct stk_privsep *ps, void *buf, size_t len);

/* Monitor: 0 once the reader is ready, -ECHILD if it died first. */
int stk_privsep_wait_ready(struct stk_privsep *ps);

struct stk_monitor_ops {
	/* Called every few seconds and at the end; reports lost events. */
	void (*tick)(void *arg);
	/* Returns a freshly opened log fd (SIGUSR1), or a negative errno. */
	int (*reopen_log)(void *arg);
	/* Called whenever @wake_fd is readable (none: @wake NULL). */
	void (*wake)(void *arg);
	int wake_fd;
	void *arg;
};

/*
 * stk_privsep_monitor() - waits for a stop signal or the reader's death.
 * On SIGTERM/SIGINT the reader is stopped and waited for; on SIGHUP (reload)
 * it is left running and SIGHUP returned.
 * Return: the signal, or 0 if the reader died (@ret_status: its wait status).
 */
int stk_privsep_monitor(struct stk_privsep *ps, const struct stk_monitor_ops *ops,
			int *ret_status);

/* Monitor: stops the reader (it drains what is buffered) and waits for it. */
void stk_privsep_stop_reader(struct stk_privsep *ps);

#endif /* STK_PRIVSEP_H */
