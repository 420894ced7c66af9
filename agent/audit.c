// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * audit.c - the audit sinks (see audit.h).
 *
 * Lines are gathered in a buffer and written with one write() per batch;
 * the buffer only ever holds whole lines, so what reaches the file is
 * always complete lines, whatever happens to the agent afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"

#define AUDIT_BUF (256 * 1024)

struct stk_audit {
	char *path;
	int fd;
	bool use_syslog;
	int facility;
	size_t len;
	char buf[AUDIT_BUF];
};

/*
 * A writer that died inside a write (power loss, a full disk, an older
 * agent) may have left the file without its final newline. Ending that
 * line now keeps the torn part on a line of its own, which readers report
 * and skip, instead of gluing it to our first event.
 */
static void end_torn_line(int fd)
{
	struct stat sb;
	char last;

	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size == 0)
		return;
	if (pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
		(void)!write(fd, "\n", 1);
}

static int open_log(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return -ENOMEM;
	/* The directory holds other hosts' secrets in paths: keep it private. */
	if (mkdir(dirname(copy), 0750) && errno != EEXIST) {
		free(copy);
		return -errno;
	}
	free(copy);
	/* Read access only to look at the last byte (end_torn_line). */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	end_torn_line(fd);
	return fd;
}

int stk_audit_open(struct stk_audit **ret, const char *path, bool use_syslog)
{
	struct stk_audit *a = calloc(1, sizeof(*a));
	int err;

	if (!a)
		return -ENOMEM;
	a->fd = -1;
	a->use_syslog = use_syslog;
	a->facility = LOG_AUTHPRIV;
	if (use_syslog)
		openlog("stockade", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	if (path) {
		a->path = strdup(path);
		if (!a->path) {
			err = -ENOMEM;
			goto cleanup;
		}
		a->fd = open_log(path);
		if (a->fd < 0) {
			err = a->fd;
			goto cleanup;
		}
	}
	*ret = a;
	return 0;
cleanup:
	stk_audit_close(a);
	return err;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= w;
	}
	return 0;
}

int stk_audit_flush(struct stk_audit *a)
{
	int err = 0;

	if (a->fd >= 0 && a->len)
		err = write_all(a->fd, a->buf, a->len);
	a->len = 0;
	return err;
}

void stk_audit_set_facility(struct stk_audit *a, int facility)
{
	a->facility = facility;
}

int stk_audit_write(struct stk_audit *a, const char *json, size_t len, bool denied)
{
	return stk_audit_write_msg(a, json, len, NULL, 0, denied ? LOG_WARNING : LOG_NOTICE);
}

int stk_audit_write_msg(struct stk_audit *a, const char *line, size_t len, const char *msg,
			size_t msg_len, int priority)
{
	const char *json = line;
	int err = 0;

	if (a->use_syslog) {
		if (!msg) {
			msg = line;
			msg_len = len;
		}
		syslog(a->facility | priority, "%.*s", (int)msg_len, msg);
	}
	if (!line || a->fd < 0)
		return 0;
	if (len + 1 > sizeof(a->buf) - a->len)
		err = stk_audit_flush(a);
	if (len + 1 > sizeof(a->buf))
		return err ? err : -E2BIG;
	memcpy(a->buf + a->len, json, len);
	a->buf[a->len + len] = '\n';
	a->len += len + 1;
	return err;
}

int stk_audit_reopen(struct stk_audit *a)
{
	int fd, err;

	if (!a->path)
		return 0;
	err = stk_audit_flush(a);
	fd = open_log(a->path);
	if (fd < 0)
		return fd; /* keep writing to the old file rather than nowhere */
	close(a->fd);
	a->fd = fd;
	return err;
}

int stk_audit_open_file(const char *path)
{
	return open_log(path);
}

const char *stk_audit_path(const struct stk_audit *a)
{
	return a->path;
}

void stk_audit_use_fd(struct stk_audit *a, int fd)
{
	stk_audit_flush(a);
	if (a->fd >= 0)
		close(a->fd);
	a->fd = fd;
}

void stk_audit_close(struct stk_audit *a)
{
	if (!a)
		return;
	stk_audit_flush(a);
	if (a->fd >= 0)
		close(a->fd);
	free(a->path);
	free(a);
}
