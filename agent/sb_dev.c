// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sb_dev.c - mount id to superblock device, from mountinfo (see sb_dev.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sb_dev.h"

__u32 stk_kernel_dev(unsigned int major, unsigned int minor)
{
	return (__u32)(major << 20 | minor);
}

/* mountinfo escapes space, tab, newline and backslash as \\ooo: undone in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int cmp_mnt_id(const void *a, const void *b)
{
	const struct stk_mount_dev *x = a, *y = b;

	return x->mnt_id < y->mnt_id ? -1 : x->mnt_id > y->mnt_id;
}

int stk_mount_devs_parse(FILE *in, struct stk_mount_devs *ret)
{
	struct stk_mount_devs m = {};
	unsigned long long id;
	unsigned int major, minor;
	size_t cap = 0, len = 0;
	char *line = NULL, *root = NULL, *mountpoint = NULL;
	int err = 0;
	void *p;

	/*
	 * "36 35 98:0 /mnt1 /mnt2 rw ... - ext3 /dev/root rw": id, parent,
	 * s_dev, the root of the mount in its file system, the mountpoint.
	 */
	while (getline(&line, &len, in) > 0) {
		free(root);
		free(mountpoint);
		root = mountpoint = NULL;
		if (sscanf(line, "%llu %*u %u:%u %ms %ms ", &id, &major, &minor, &root,
			   &mountpoint) != 5) {
			err = -EINVAL;
			goto cleanup;
		}
		unescape(mountpoint);
		if (m.n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(m.v, cap * sizeof(*m.v));
			if (!p) {
				err = -ENOMEM;
				goto cleanup;
			}
			m.v = p;
		}
		m.v[m.n].mnt_id = id;
		m.v[m.n].dev = stk_kernel_dev(major, minor);
		m.v[m.n].fs_root = strcmp(root, "/") == 0;
		m.v[m.n].mountpoint = mountpoint;
		mountpoint = NULL;
		m.n++;
	}
	if (m.n)
		qsort(m.v, m.n, sizeof(*m.v), cmp_mnt_id);
	free(line);
	free(root);
	*ret = m;
	return 0;
cleanup:
	free(line);
	free(root);
	free(mountpoint);
	stk_mount_devs_free(&m);
	return err;
}

int stk_mount_devs_read(struct stk_mount_devs *ret)
{
	return stk_mount_devs_read_file("/proc/self/mountinfo", ret);
}

int stk_mount_devs_read_file(const char *mountinfo, struct stk_mount_devs *ret)
{
	FILE *f = fopen(mountinfo, "re");
	int err;

	if (!f)
		return -errno;
	err = stk_mount_devs_parse(f, ret);
	fclose(f);
	return err;
}

int stk_mount_devs_find(const struct stk_mount_devs *m, __u64 mnt_id, __u32 *ret_dev)
{
	struct stk_mount_dev key = { .mnt_id = mnt_id };
	const struct stk_mount_dev *hit;

	if (!m->n)
		return -ENOENT;
	hit = bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_mnt_id);
	if (!hit)
		return -ENOENT;
	*ret_dev = hit->dev;
	return 0;
}

void stk_mount_devs_free(struct stk_mount_devs *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].mountpoint);
	free(m->v);
	memset(m, 0, sizeof(*m));
}
