// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cgroup_path.c - cgroup v2 mount discovery and id-to-path names.
 *
 * Names are cached; an unknown id triggers one rescan of the hierarchy
 * (new cgroups appear all the time), and an id still unknown after that is
 * remembered for a second, so a storm of events from a vanished cgroup
 * costs one scan a second, not one per event.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_path.h"

#define CACHE_SLOTS 4096 /* power of two */
/* kernfs file handles carry the cgroup id (FILEID_KERNFS). */
#define FILEID_KERNFS 0xfe
#define RESCAN_MIN_NS 1000000000LL

struct slot {
	uint64_t id;
	char *path;
};

struct stk_cgroup_names {
	char *mount;
	size_t mount_len;
	struct slot slots[CACHE_SLOTS];
	uint64_t last_miss_id;
	long long last_miss_ns;
};

int stk_cgroup_remove(const char *dir)
{
	int i;

	for (i = 0; rmdir(dir); i++) {
		if (errno != EBUSY || i == 40)
			return -errno;
		usleep(50000);
	}
	return 0;
}

bool stk_cgroup_gone(int mount_fd, uint64_t id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	int fd;

	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == ESTALE || errno == ENOENT;
}

int stk_cgroup2_mount(char *buf, size_t len)
{
	char line[4096], *fstype, *mnt;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "id parent maj:min root mountpoint opts... - fstype source opts" */
		char *sep = strstr(line, " - ");
		char *save = NULL;
		int i;

		if (!sep)
			continue;
		fstype = strtok_r(sep + 3, " ", &save);
		if (!fstype || strcmp(fstype, "cgroup2"))
			continue;
		mnt = strtok_r(line, " ", &save);
		for (i = 0; mnt && i < 4; i++)
			mnt = strtok_r(NULL, " ", &save);
		if (mnt && strlen(mnt) < len) {
			strcpy(buf, mnt);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct slot *slot_for(struct stk_cgroup_names *n, uint64_t id)
{
	return &n->slots[(id * 0x9e3779b97f4a7c15ULL) >> 52 & (CACHE_SLOTS - 1)];
}

static int cache_put(struct stk_cgroup_names *n, uint64_t id, const char *path)
{
	struct slot *s = slot_for(n, id);
	char *copy = strdup(path);

	if (!copy)
		return -ENOMEM;
	free(s->path);
	s->id = id;
	s->path = copy;
	return 0;
}

/* nftw offers no context argument; the scan runs on one thread at a time. */
static struct stk_cgroup_names *scanning;

static int scan_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = fpath + scanning->mount_len;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	cache_put(scanning, st->st_ino, *rel ? rel : "/");
	return 0;
}

static void rescan(struct stk_cgroup_names *n)
{
	scanning = n;
	nftw(n->mount, scan_one, 32, FTW_PHYS | FTW_MOUNT);
	scanning = NULL;
}

int stk_cgroup_names_new(struct stk_cgroup_names **ret, const char *mount)
{
	struct stk_cgroup_names *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->mount = strdup(mount);
	if (!n->mount) {
		free(n);
		return -ENOMEM;
	}
	n->mount_len = strlen(mount);
	while (n->mount_len > 1 && mount[n->mount_len - 1] == '/')
		n->mount_len--;
	rescan(n);
	*ret = n;
	return 0;
}

const char *stk_cgroup_names_get(struct stk_cgroup_names *n, uint64_t id)
{
	struct slot *s = slot_for(n, id);

	long long now;

	if (s->id == id && s->path)
		return s->path;
	now = now_ns();
	if (id == n->last_miss_id && now - n->last_miss_ns < RESCAN_MIN_NS)
		return NULL;
	rescan(n);
	if (s->id == id && s->path)
		return s->path;
	n->last_miss_id = id;
	n->last_miss_ns = now;
	return NULL;
}

void stk_cgroup_names_free(struct stk_cgroup_names *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < CACHE_SLOTS; i++)
		free(n->slots[i].path);
	free(n->mount);
	free(n);
}
