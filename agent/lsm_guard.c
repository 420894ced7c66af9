// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_guard.c - load the self-protection set and tell it what is ours
 * (see lsm_guard.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "guard.skel.h"
#include "kernel_check.h"
#include "lsm_guard.h"
#include "verifier_stats.h"
#include "pin.h"
#include "stk_abi.h"

#define MAX_IDS 1024
#define MAX_PROG_MAPS 64

struct stk_lsm_guard {
	struct stk_lsm_guard_bpf *skel;
};

int stk_lsm_guard_load(struct stk_lsm_guard **ret, struct stk_shared_maps *shared,
		       size_t ringbuf_bytes, char *why, size_t why_len)
{
	struct stk_lsm_guard *g = calloc(1, sizeof(*g));
	struct stk_lsm_guard_bpf *s;
	int err;

	if (!g)
		return -ENOMEM;
	s = g->skel = stk_lsm_guard_bpf__open();
	if (!s) {
		err = -errno;
		snprintf(why, why_len, "opening the self-protection BPF object failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	bpf_map__set_max_entries(s->maps.stk_events, ringbuf_bytes);
	err = stk_shared_maps_use(shared, s->maps.stk_events, s->maps.stk_counters,
				  s->maps.stk_config, s->maps.stk_cgroup_scopes);
	if (!err)
		err = stk_shared_maps_use_agent(shared, s->maps.stk_agent_tasks);
	if (!err)
		err = stk_shared_maps_use_audit(shared, s->obj);
	if (err) {
		snprintf(why, why_len, "sharing maps failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_lsm_guard_bpf__load(s);
	if (err) {
		stk_kernel_load_error(err, why, why_len);
		goto cleanup;
	}
	stk_log_verified(s->obj);
	stk_shared_maps_adopt(shared, s->maps.stk_events, s->maps.stk_counters,
			      s->maps.stk_config, s->maps.stk_cgroup_scopes);
	stk_shared_maps_adopt_agent(shared, s->maps.stk_agent_tasks);
	stk_shared_maps_adopt_audit(shared, s->obj);
	*ret = g;
	return 0;
cleanup:
	stk_lsm_guard_destroy(g);
	return err;
}

int stk_lsm_guard_attach(struct stk_lsm_guard *g, char *why, size_t why_len)
{
	int err = stk_lsm_guard_bpf__attach(g->skel);

	if (err)
		stk_kernel_load_error(err, why, why_len);
	return err;
}

int stk_lsm_guard_pin(const struct stk_lsm_guard *g, const char *dir)
{
	return g ? stk_pin_skeleton(g->skel->skeleton, dir) : 0;
}

void stk_lsm_guard_destroy(struct stk_lsm_guard *g)
{
	if (!g)
		return;
	stk_lsm_guard_bpf__destroy(g->skel);
	free(g);
}

/* What the guard is told: ours, collected before anything is written. */
struct guard_facts {
	struct stk_guard_id ids[MAX_IDS];
	size_t n_ids;
	struct stk_inode_key inos[MAX_IDS];
	__u8 ino_kind[MAX_IDS];
	size_t n_inos;
	const char *pin_dir;
};

/* The kernel's dev_t (MAJOR << 20 | MINOR), as struct inode's i_sb->s_dev. */
static __u32 kernel_dev(dev_t dev)
{
	return (__u32)(major(dev) << 20 | minor(dev));
}

static int add_id(struct guard_facts *f, __u32 kind, __u32 id)
{
	size_t i;

	for (i = 0; i < f->n_ids; i++)
		if (f->ids[i].kind == kind && f->ids[i].id == id)
			return 0;
	if (f->n_ids == MAX_IDS)
		return -E2BIG;
	f->ids[f->n_ids].kind = kind;
	f->ids[f->n_ids++].id = id;
	return 0;
}

static int add_ino(struct guard_facts *f, const char *path, __u8 kind)
{
	struct stat st;

	if (lstat(path, &st))
		return -errno;
	if (f->n_inos == MAX_IDS)
		return -E2BIG;
	f->inos[f->n_inos] =
		(struct stk_inode_key){ .ino = st.st_ino, .dev = kernel_dev(st.st_dev) };
	f->ino_kind[f->n_inos++] = kind;
	return 0;
}

/* A program and every map it uses. */
static int add_prog(struct guard_facts *f, __u32 prog_id)
{
	__u32 map_ids[MAX_PROG_MAPS], len, i;
	struct bpf_prog_info info;
	int fd, err;

	err = add_id(f, STK_GUARD_PROG, prog_id);
	fd = err ? -1 : bpf_prog_get_fd_by_id(prog_id);
	if (!err && fd < 0)
		err = -errno;
	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(unsigned long)map_ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	close(fd);
	for (i = 0; !err && i < info.nr_map_ids && i < MAX_PROG_MAPS; i++)
		err = add_id(f, STK_GUARD_MAP, map_ids[i]);
	return err;
}

static int note_link(const char *name, int fd, void *arg)
{
	struct guard_facts *f = arg;
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[4096];
	int err;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	err = add_id(f, STK_GUARD_LINK, info.id);
	if (!err)
		err = add_prog(f, info.prog_id);
	if (!err && snprintf(path, sizeof(path), "%s/links/%s", f->pin_dir, name) >=
			    (int)sizeof(path))
		err = -ENAMETOOLONG;
	return err ? err : add_ino(f, path, STK_GUARD_INO_LINK);
}

/* Pinned maps no program uses (stk_state) count as ours too. */
static int note_maps(struct guard_facts *f)
{
	struct bpf_map_info info;
	char dir[4096], path[4096 + 256];
	struct dirent *de;
	__u32 len;
	int err = 0, fd;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/maps", f->pin_dir);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		err = add_ino(f, path, STK_GUARD_INO_FILE);
		fd = err ? -1 : stk_pin_open_map(f->pin_dir, de->d_name, BPF_F_RDONLY);
		if (!err && fd < 0)
			err = fd;
		if (err)
			break;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			err = -errno;
		else
			err = add_id(f, STK_GUARD_MAP, info.id);
		close(fd);
	}
	closedir(d);
	return err;
}

static int collect(struct guard_facts *f)
{
	char path[4096];
	int err;

	err = add_ino(f, f->pin_dir, STK_GUARD_INO_DIR);
	snprintf(path, sizeof(path), "%s/maps", f->pin_dir);
	if (!err)
		err = add_ino(f, path, STK_GUARD_INO_DIR);
	snprintf(path, sizeof(path), "%s/links", f->pin_dir);
	if (!err)
		err = add_ino(f, path, STK_GUARD_INO_DIR);
	if (!err)
		err = stk_pin_for_each_link(f->pin_dir, note_link, f);
	if (!err)
		err = note_maps(f);
	return err;
}

/*
 * Writes @n keys of @key_size into hash @fd, then deletes every other key:
 * what was ours and is no longer (a replaced set) stops being protected
 * only after the new objects are.
 */
static int replace_keys(int fd, const void *keys, const __u8 *values, size_t n, size_t key_size)
{
	unsigned char cur[sizeof(struct stk_inode_key)], next[sizeof(struct stk_inode_key)];
	__u8 one = 1, was;
	const __u8 *value;
	size_t i;
	bool first = true, keep;

	for (i = 0; i < n; i++) {
		value = values ? &values[i] : &one;
		/*
		 * A key already there with this value stays: a replaced element
		 * may be reused at once, under a hook still reading it.
		 */
		if (!bpf_map_lookup_elem(fd, (const char *)keys + i * key_size, &was) &&
		    was == *value)
			continue;
		if (bpf_map_update_elem(fd, (const char *)keys + i * key_size, value, BPF_ANY))
			return -errno;
	}
	while (bpf_map_get_next_key(fd, first ? NULL : cur, next) == 0) {
		first = false;
		memcpy(cur, next, key_size);
		keep = false;
		for (i = 0; i < n && !keep; i++)
			keep = !memcmp((const char *)keys + i * key_size, cur, key_size);
		/* Deleting the current key restarts the walk from the top. */
		if (!keep && bpf_map_delete_elem(fd, cur) == 0)
			first = true;
	}
	return 0;
}

static int mark_launcher(int tasks_fd, pid_t pid)
{
	__u32 mark = STK_GUARD_LAUNCHER;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), err = 0;

	if (pidfd < 0)
		return -errno;
	if (bpf_map_update_elem(tasks_fd, &pidfd, &mark, BPF_ANY))
		err = -errno;
	close(pidfd);
	return err;
}

static int exe_id(const char *path, __u64 *ino, __u32 *dev)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*ino = st.st_ino;
	*dev = kernel_dev(st.st_dev);
	return 0;
}

static int write_config(int cfg_fd, const char *pin_dir, const struct stk_guard_opts *o,
			char *why, size_t why_len)
{
	struct stk_guard_config cfg = {};
	struct stat st;
	__u32 zero = 0;
	int err;

	if (o->protect) {
		err = exe_id("/proc/self/exe", &cfg.agent_ino, &cfg.agent_dev);
		if (err) {
			snprintf(why, why_len, "finding stockade's own executable failed: %s",
				 strerror(-err));
			return err;
		}
		if (o->via_exe && exe_id(o->via_exe, &cfg.via_ino, &cfg.via_dev))
			cfg.via_ino = cfg.via_dev = 0;
		if (stat(pin_dir, &st)) {
			err = -errno;
			snprintf(why, why_len, "%s: %s", pin_dir, strerror(-err));
			return err;
		}
		cfg.pin_dev = kernel_dev(st.st_dev);
		cfg.flags = STK_GUARDF_ENABLED;
	}
	if (bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY)) {
		err = -errno;
		snprintf(why, why_len, "switching self-protection %s failed: %s",
			 o->protect ? "on" : "off", strerror(-err));
		return err;
	}
	return 0;
}

int stk_guard_setup(const char *pin_dir, const struct stk_guard_opts *o, char *why,
		    size_t why_len)
{
	int cfg_fd, ids_fd = -1, inos_fd = -1, tasks_fd = -1, err;
	struct guard_facts *f = NULL;

	cfg_fd = stk_pin_open_map(pin_dir, "stk_guard_cfg", 0);
	if (cfg_fd < 0) {
		err = cfg_fd;
		snprintf(why, why_len, "opening the pinned self-protection config failed: %s%s",
			 strerror(-err), err == -ENOENT ? " (the pins predate self-protection: "
				"'stockade unload' and start again to get it)" : "");
		return err;
	}
	if (!o->protect) {
		err = write_config(cfg_fd, pin_dir, o, why, why_len);
		goto cleanup;
	}
	ids_fd = stk_pin_open_map(pin_dir, "stk_guard_ids", 0);
	inos_fd = stk_pin_open_map(pin_dir, "stk_guard_inos", 0);
	tasks_fd = stk_pin_open_map(pin_dir, "stk_guard_tasks", 0);
	err = ids_fd < 0 ? ids_fd : inos_fd < 0 ? inos_fd : tasks_fd < 0 ? tasks_fd : 0;
	if (err) {
		snprintf(why, why_len, "opening the pinned self-protection maps failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		err = -ENOMEM;
		goto cleanup;
	}
	f->pin_dir = pin_dir;
	err = collect(f);
	if (err) {
		snprintf(why, why_len, "listing stockade's objects under %s failed: %s", pin_dir,
			 strerror(-err));
		goto cleanup;
	}
	err = replace_keys(ids_fd, f->ids, NULL, f->n_ids, sizeof(f->ids[0]));
	if (!err)
		err = replace_keys(inos_fd, f->inos, f->ino_kind, f->n_inos, sizeof(f->inos[0]));
	if (err) {
		snprintf(why, why_len, "recording stockade's objects failed: %s", strerror(-err));
		goto cleanup;
	}
	err = mark_launcher(tasks_fd, o->launcher_pid);
	if (err) {
		snprintf(why, why_len, "marking the launcher (pid %d) failed: %s",
			 (int)o->launcher_pid, strerror(-err));
		goto cleanup;
	}
	err = write_config(cfg_fd, pin_dir, o, why, why_len);
cleanup:
	free(f);
	if (tasks_fd >= 0)
		close(tasks_fd);
	if (inos_fd >= 0)
		close(inos_fd);
	if (ids_fd >= 0)
		close(ids_fd);
	close(cfg_fd);
	return err;
}
