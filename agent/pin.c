// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pin.c - pin, find and remove stockade's objects in bpffs (see pin.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pin.h"

static int mkdir_private(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	/* One left by an earlier run must be as private as a new one. */
	if (lstat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return -EPERM;
	return chmod(path, 0700) ? -errno : 0;
}

static int sub_path(char *buf, size_t len, const char *dir, const char *sub, const char *name)
{
	int n = snprintf(buf, len, "%s/%s%s%s", dir, sub, name ? "/" : "", name ? name : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int stk_pin_dir_create(const char *dir)
{
	char path[4096];
	int err;

	err = mkdir_private(dir);
	if (!err)
		err = sub_path(path, sizeof(path), dir, "maps", NULL);
	if (!err)
		err = mkdir_private(path);
	if (!err)
		err = sub_path(path, sizeof(path), dir, "links", NULL);
	if (!err)
		err = mkdir_private(path);
	return err;
}

static int pin_fd(int fd, const char *dir, const char *sub, const char *name)
{
	char path[4096];
	int err = sub_path(path, sizeof(path), dir, sub, name);

	if (err)
		return err;
	if (bpf_obj_pin(fd, path) == 0)
		return 0;
	/* A map shared by several sets is pinned by the first one. */
	return errno == EEXIST && !strcmp(sub, "maps") ? 0 : -errno;
}

/*
 * A map worth a pin: not an object's own data (the file objects' .rodata,
 * whose pin the 6.12 kernel refused with EPERM once loaded), which only its
 * programs use and nothing reopens.
 */
static bool pinned_map(const struct bpf_map *map)
{
	return !bpf_map__is_internal(map);
}

int stk_pin_skeleton(const struct bpf_object_skeleton *s, const char *dir)
{
	struct bpf_link *link;
	struct bpf_map *map;
	int i, err;

	for (i = 0; i < s->map_cnt; i++) {
		map = *s->maps[i].map;
		if (!pinned_map(map))
			continue;
		err = pin_fd(bpf_map__fd(map), dir, "maps", bpf_map__name(map));
		if (err)
			return err;
	}
	for (i = 0; i < s->prog_cnt; i++) {
		link = s->progs[i].link ? *s->progs[i].link : NULL;
		if (!link)
			continue; /* not attached by this set (e.g. attached elsewhere) */
		err = pin_fd(bpf_link__fd(link), dir, "links", s->progs[i].name);
		if (err)
			return err;
	}
	return 0;
}

int stk_pin_object(struct bpf_object *obj, struct bpf_link *const *links, size_t n_links,
		   const char *dir)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	size_t i = 0;
	int err;

	bpf_object__for_each_map(map, obj) {
		if (!pinned_map(map))
			continue;
		err = pin_fd(bpf_map__fd(map), dir, "maps", bpf_map__name(map));
		if (err)
			return err;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue; /* not loaded, so no link (agent/lsm_walk_set.c) */
		if (i >= n_links)
			break;
		err = pin_fd(bpf_link__fd(links[i++]), dir, "links", bpf_program__name(prog));
		if (err)
			return err;
	}
	return 0;
}

bool stk_pin_link_exists(const char *dir, const char *name)
{
	char path[4096];

	return !sub_path(path, sizeof(path), dir, "links", name) && access(path, F_OK) == 0;
}

int stk_pin_open_map(const char *dir, const char *name, uint32_t flags)
{
	LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = flags);
	char path[4096];
	int err = sub_path(path, sizeof(path), dir, "maps", name), fd;

	if (err)
		return err;
	fd = bpf_obj_get_opts(path, &opts);
	return fd < 0 ? -errno : fd;
}

int stk_pin_for_each_link(const char *dir, stk_pin_link_fn fn, void *arg)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int err, fd;

	err = sub_path(path, sizeof(path), dir, "links", NULL);
	if (err)
		return err;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		err = sub_path(path, sizeof(path), dir, "links", de->d_name);
		if (err)
			break;
		fd = bpf_obj_get(path);
		if (fd < 0) {
			err = -errno;
			break;
		}
		err = fn(de->d_name, fd, arg);
		close(fd);
		if (err)
			break;
	}
	closedir(d);
	return err;
}

/*
 * By name, without opening them: with self-protection on, only stockade
 * itself may open a pinned link, and "stockade status" must still see them.
 */
bool stk_pins_exist(const char *dir)
{
	char path[4096];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (sub_path(path, sizeof(path), dir, "links", NULL))
		return false;
	d = opendir(path);
	if (!d)
		return false;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n > 0;
}

static int remove_entries(const char *dir)
{
	char path[4096];
	struct dirent *de;
	int err = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path)) {
			err = -ENAMETOOLONG;
			continue;
		}
		if (de->d_type == DT_DIR) {
			int e = remove_entries(path);

			if (!e && rmdir(path))
				e = -errno;
			if (e && !err)
				err = e;
		} else if (unlink(path) && !err) {
			err = -errno;
		}
	}
	closedir(d);
	return err;
}

#define MAX_WAIT_LINKS 64

struct link_ids {
	__u32 id[MAX_WAIT_LINKS];
	int n;
};

static int note_link(const char *name, int fd, void *arg)
{
	struct link_ids *l = arg;
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	(void)name;
	/*
	 * The program's id, not the link's: the link id goes away as soon as
	 * the last reference does, the program only once the detach is done.
	 */
	if (l->n < MAX_WAIT_LINKS && bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		l->id[l->n++] = info.prog_id;
	return 0;
}

/*
 * The kernel detaches a link whose last reference was a pin from a work
 * queue, a moment after the unlink: wait, so that on return nothing is
 * attached any more (a link another process still holds stays, of course).
 */
static void wait_links_gone(const struct link_ids *l)
{
	struct timespec ts = { .tv_nsec = 10 * 1000000 };
	int i, fd, tries = 0;

	/* Detaching waits for RCU grace periods: slow on a loaded machine. */
	for (i = 0; i < l->n; i++) {
		for (; tries < 6000; tries++) {
			fd = bpf_prog_get_fd_by_id(l->id[i]);
			if (fd < 0)
				break;
			close(fd);
			nanosleep(&ts, NULL);
		}
	}
}

int stk_pin_remove_all(const char *dir)
{
	struct link_ids ids = {};
	char links[4096];
	int err;

	/* Links first: if a map pin cannot go, no program is left attached by a pin. */
	if (sub_path(links, sizeof(links), dir, "links", NULL) == 0) {
		stk_pin_for_each_link(dir, note_link, &ids);
		err = remove_entries(links);
		if (err)
			return err;
	}
	err = remove_entries(dir);
	if (err)
		return err;
	if (rmdir(dir) && errno != ENOENT)
		return -errno;
	wait_links_gone(&ids);
	return 0;
}
