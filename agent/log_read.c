// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * log_read.c - audit-log lines from plain, rotated and gzip files, and
 * following the live file across rotation (see log_read.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "log_read.h"

/* A longer "line" is cut (and then fails to parse): memory stays bounded. */
#define LINE_MAX_BYTES (1u << 20)
#define READ_CHUNK 65536

struct rotated {
	unsigned long n;
	char *name;
};

static int push(struct stk_log_files *f, char *path)
{
	char **v = realloc(f->v, (f->n + 1) * sizeof(*v));

	if (!v) {
		free(path);
		return -ENOMEM;
	}
	f->v = v;
	f->v[f->n++] = path;
	return 0;
}

static int cmp_rotated(const void *a, const void *b)
{
	const struct rotated *x = a, *y = b;

	/* Highest number first: logrotate shifts older files up. */
	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/* Is @name "@base.N" or "@base.N.gz"? Sets @n. */
static bool rotated_name(const char *name, const char *base, unsigned long *n)
{
	size_t bl = strlen(base);
	const char *p;
	char *end;

	if (strncmp(name, base, bl) || name[bl] != '.' || name[bl + 1] < '0' || name[bl + 1] > '9')
		return false;
	p = name + bl + 1;
	*n = strtoul(p, &end, 10);
	return !*end || !strcmp(end, ".gz");
}

static int add_rotated(struct stk_log_files *f, const char *path)
{
	char *dcopy = strdup(path), *bcopy = strdup(path);
	struct rotated *v = NULL, *nv;
	size_t n = 0, i;
	struct dirent *de;
	const char *dir, *base;
	DIR *d = NULL;
	int err = -ENOMEM;

	if (!dcopy || !bcopy)
		goto out;
	dir = dirname(dcopy);
	base = basename(bcopy);
	d = opendir(dir);
	if (!d) {
		err = 0; /* no directory, no siblings: the open reports it */
		goto out;
	}
	while ((de = readdir(d))) {
		unsigned long num;

		if (!rotated_name(de->d_name, base, &num))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			goto out;
		v = nv;
		if (asprintf(&v[n].name, "%s/%s", dir, de->d_name) < 0)
			goto out;
		v[n++].n = num;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_rotated);
	err = 0;
	for (i = 0; i < n; i++) {
		if (!err)
			err = push(f, v[i].name);
		else
			free(v[i].name);
	}
	n = 0;
out:
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	if (d)
		closedir(d);
	free(dcopy);
	free(bcopy);
	return err;
}

int stk_log_files_add(struct stk_log_files *f, const char *path, bool rotated)
{
	char *p;
	int err;

	if (rotated) {
		err = add_rotated(f, path);
		if (err)
			return err;
	}
	p = strdup(path);
	if (!p)
		return -ENOMEM;
	return push(f, p);
}

void stk_log_files_free(struct stk_log_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

struct stk_log_reader {
	const struct stk_log_files *files;
	size_t idx; /* the file being read */
	bool follow;
	bool open;
	int fd;
	gzFile gz; /* for ".gz" files, else NULL */
	dev_t dev;
	ino_t ino;
	off_t off; /* bytes read from fd (plain files) */
	char *buf;
	size_t start, len, cap;
	unsigned long lineno;
	const char *errfile;
};

struct stk_log_reader *stk_log_reader_new(const struct stk_log_files *files, bool follow)
{
	struct stk_log_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->files = files;
	r->follow = follow;
	r->fd = -1;
	return r;
}

static bool is_gz(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcmp(path + n - 3, ".gz");
}

static void close_cur(struct stk_log_reader *r)
{
	if (r->gz)
		gzclose(r->gz); /* closes fd too */
	else if (r->fd >= 0)
		close(r->fd);
	r->gz = NULL;
	r->fd = -1;
	r->open = false;
	r->start = r->len = 0;
	r->off = 0;
	r->lineno = 0;
}

static int open_cur(struct stk_log_reader *r)
{
	const char *path = r->files->v[r->idx];
	struct stat st;

	r->errfile = path;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	if (fstat(r->fd, &st) || S_ISDIR(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? -EISDIR : -errno;

		close_cur(r);
		return err;
	}
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	if (is_gz(path)) {
		r->gz = gzdopen(r->fd, "rb");
		if (!r->gz) {
			close_cur(r);
			return -ENOMEM;
		}
		gzbuffer(r->gz, READ_CHUNK);
	}
	r->open = true;
	return 0;
}

/* Reads more bytes into the buffer: >0 read, 0 at end, negative errno. */
static int read_more(struct stk_log_reader *r)
{
	ssize_t n;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->cap - r->len < READ_CHUNK) {
		size_t cap = r->cap ? r->cap * 2 : 2 * READ_CHUNK;
		char *b = realloc(r->buf, cap);

		if (!b)
			return -ENOMEM;
		r->buf = b;
		r->cap = cap;
	}
	if (r->gz) {
		int errnum;

		n = gzread(r->gz, r->buf + r->len, READ_CHUNK);
		if (n < 0) {
			gzerror(r->gz, &errnum);
			return errnum == Z_ERRNO ? -errno : -EBADMSG;
		}
	} else {
		n = read(r->fd, r->buf + r->len, READ_CHUNK);
		if (n < 0)
			return -errno;
		r->off += n;
	}
	r->len += n;
	return n > 0;
}

static int emit(struct stk_log_reader *r, size_t end, size_t next, bool complete,
		struct stk_log_line *ret)
{
	ret->text = r->buf + r->start;
	ret->len = end - r->start;
	ret->file = r->files->v[r->idx];
	ret->lineno = ++r->lineno;
	ret->complete = complete;
	r->start = next;
	return 1;
}

/*
 * At the end of the followed file: reopen it when it was replaced (and we
 * drained the old one), rewind when it was truncated. Returns true when
 * there may be more to read now.
 */
static bool follow_check(struct stk_log_reader *r)
{
	const char *path = r->files->v[r->idx];
	struct stat st;

	if (!stat(path, &st) && (st.st_ino != r->ino || st.st_dev != r->dev)) {
		close_cur(r);
		return true;
	}
	if (!fstat(r->fd, &st) && st.st_size < r->off) {
		lseek(r->fd, 0, SEEK_SET);
		r->off = 0;
		r->start = r->len = 0;
		r->lineno = 0;
		return true;
	}
	return false;
}

int stk_log_reader_next(struct stk_log_reader *r, struct stk_log_line *ret)
{
	bool live;
	char *nl;
	int n, err;

	for (;;) {
		if (r->idx >= r->files->n)
			return 0;
		live = r->follow && r->idx == r->files->n - 1;
		if (!r->open) {
			err = open_cur(r);
			if (err == -ENOENT && live)
				return -EAGAIN; /* rotated away, not yet recreated */
			if (err) {
				r->idx++;
				return err;
			}
		}
		nl = r->len > r->start ? memchr(r->buf + r->start, '\n', r->len - r->start) : NULL;
		if (nl)
			return emit(r, nl - r->buf, nl - r->buf + 1, true, ret);
		if (r->len - r->start >= LINE_MAX_BYTES)
			return emit(r, r->len, r->len, true, ret);
		n = read_more(r);
		if (n > 0)
			continue;
		if (n < 0) {
			r->errfile = r->files->v[r->idx];
			close_cur(r);
			r->idx++;
			return n;
		}
		if (live && !r->gz) {
			/* A line in progress stays pending unless its file was replaced. */
			const char *path = r->files->v[r->idx];
			struct stat st;

			if (r->len > r->start && !stat(path, &st) && st.st_ino != r->ino)
				return emit(r, r->len, r->len, false, ret);
			if (follow_check(r))
				continue;
			return -EAGAIN;
		}
		if (r->len > r->start)
			return emit(r, r->len, r->len, false, ret);
		close_cur(r);
		r->idx++;
	}
}

const char *stk_log_reader_file(const struct stk_log_reader *r)
{
	return r->errfile;
}

void stk_log_reader_free(struct stk_log_reader *r)
{
	if (!r)
		return;
	close_cur(r);
	free(r->buf);
	free(r);
}
