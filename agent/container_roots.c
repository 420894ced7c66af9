// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * container_roots.c - the monitor's side of the container-root gate
 * (container_roots.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cgroup_path.h"
#include "container_roots.h"
#include "generation.h"
#include "log.h"
#include "lsm_file.h"
#include "pin.h"
#include "resolve.h"
#include "task_root.h"

/* How long a requester may take to reach its stop before it is continued anyway. */
#define STOP_WAIT_MS 2000

struct stk_roots {
	char pin_dir[4096];
	char mount[4096];
	int records_fd, ready_fd, cfg_fd, config_fd, scopes_fd, mount_fd;
	struct ring_buffer *rb;
	struct stk_root_request *queue; /* what one serve took off the ring */
	size_t n_queue, cap_queue;
	const struct stk_compiled *compiled;
	struct stk_root_id agent_root;
};

static int queue_request(void *ctx, void *data, size_t size)
{
	struct stk_roots *r = ctx;
	void *p;

	if (size < sizeof(struct stk_root_request))
		return 0;
	if (r->n_queue == r->cap_queue) {
		size_t cap = r->cap_queue ? 2 * r->cap_queue : 64;

		p = realloc(r->queue, cap * sizeof(*r->queue));
		if (!p)
			return -ENOMEM; /* the rest stays on the ring for the next serve */
		r->queue = p;
		r->cap_queue = cap;
	}
	memcpy(&r->queue[r->n_queue++], data, sizeof(*r->queue));
	return 0;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void stk_roots_close(struct stk_roots *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	close_fd(r->records_fd);
	close_fd(r->ready_fd);
	close_fd(r->cfg_fd);
	close_fd(r->config_fd);
	close_fd(r->scopes_fd);
	close_fd(r->mount_fd);
	free(r->queue);
	free(r);
}

void stk_roots_stop(struct stk_roots *r, bool unloading)
{
	struct stk_root_config cfg = {};
	__u32 zero = 0;

	if (!r)
		return;
	if (unloading) {
		/* Execs from now on pass unstopped; those stopped already are served. */
		bpf_map_update_elem(r->cfg_fd, &zero, &cfg, BPF_ANY);
		stk_roots_serve(r);
	}
	stk_roots_close(r);
}

int stk_roots_open(struct stk_roots **ret, const char *pin_dir, const char *cgroup_mount)
{
	struct stk_root_config cfg = { .enabled = 1 };
	struct stk_roots *r = calloc(1, sizeof(*r));
	int requests_fd = -1, root_fd, err;
	__u32 zero = 0;

	if (!r)
		return -ENOMEM;
	snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", pin_dir);
	snprintf(r->mount, sizeof(r->mount), "%s", cgroup_mount);
	r->records_fd = stk_pin_open_map(pin_dir, "stk_cgroup_roots", 0);
	r->ready_fd = stk_pin_open_map(pin_dir, "stk_root_ready", 0);
	r->cfg_fd = stk_pin_open_map(pin_dir, "stk_root_cfg", 0);
	r->config_fd = stk_pin_open_map(pin_dir, "stk_config", 0);
	r->scopes_fd = stk_pin_open_map(pin_dir, "stk_cgroup_scopes", BPF_F_RDONLY);
	requests_fd = stk_pin_open_map(pin_dir, "stk_root_requests", 0);
	r->mount_fd = open(cgroup_mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = r->records_fd < 0 ? r->records_fd : r->ready_fd < 0 ? r->ready_fd :
	      r->cfg_fd < 0 ? r->cfg_fd : r->config_fd < 0 ? r->config_fd :
	      r->scopes_fd < 0 ? r->scopes_fd : requests_fd < 0 ? requests_fd : 0;
	if (!err && r->mount_fd < 0)
		err = -errno;
	if (err)
		goto cleanup;
	r->rb = ring_buffer__new(requests_fd, queue_request, r, NULL);
	if (!r->rb) {
		err = -errno;
		goto cleanup;
	}
	root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		err = -errno;
		goto cleanup;
	}
	err = stk_root_id_of_fd(root_fd, "/proc/self/mountinfo", &r->agent_root);
	close(root_fd);
	if (err)
		goto cleanup;
	cfg.agent_ino = r->agent_root.ino;
	cfg.agent_dev = r->agent_root.dev;
	if (bpf_map_update_elem(r->cfg_fd, &zero, &cfg, BPF_ANY)) {
		err = -errno;
		goto cleanup;
	}
	close(requests_fd);
	*ret = r;
	return 0;
cleanup:
	close_fd(requests_fd);
	stk_roots_close(r);
	return err;
}

void stk_roots_set_policy(struct stk_roots *r, const struct stk_compiled *c)
{
	r->compiled = c;
}

int stk_roots_wake_fd(const struct stk_roots *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

static bool same_root(const struct stk_root_id *a, const struct stk_root_rec *rec)
{
	return a->ino == rec->ino && a->dev == rec->dev;
}

/* /proc/@pid/root opened if it is @rec's root, else a negative errno. */
static int open_if_root(pid_t pid, const struct stk_root_rec *rec)
{
	struct stk_root_id id;
	__u64 ino;
	int fd;

	if (pid <= 0 || stk_task_root_ino(pid, &ino) || ino != rec->ino)
		return -ESRCH;
	fd = stk_task_open_root(pid, &id);
	if (fd >= 0 && !same_root(&id, rec)) {
		close(fd);
		fd = -ESRCH;
	}
	return fd;
}

/*
 * A process whose root is @rec's: @hint first, then the one that recorded
 * it, then any. Return: /proc/PID/root open (its pid in @ret_pid), or
 * -ESRCH when no process has that root any more.
 */
static int find_root(const struct stk_root_rec *rec, pid_t hint, pid_t *ret_pid)
{
	struct dirent *de;
	DIR *proc;
	pid_t pid;
	int fd;

	*ret_pid = hint;
	fd = open_if_root(hint, rec);
	if (fd >= 0)
		return fd;
	*ret_pid = (pid_t)rec->pid;
	fd = open_if_root((pid_t)rec->pid, rec);
	if (fd >= 0)
		return fd;
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	fd = -ESRCH;
	while (fd < 0 && (de = readdir(proc))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		fd = open_if_root(pid, rec);
		*ret_pid = pid;
	}
	closedir(proc);
	return fd;
}

/* @state: STK_ROOT_READY or STK_ROOT_FAILED; a mark there already stays. */
static int mark(struct stk_roots *r, __u64 cgroup_id, uint32_t slot, unsigned int scope,
		__u32 state)
{
	struct stk_root_ready_key key = { .cgroup_id = cgroup_id, .slot = slot,
					  .scope = (__u16)scope };

	if (bpf_map_update_elem(r->ready_fd, &key, &state, BPF_NOEXIST) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Adds scope @scope's keys of policy @c, resolved in @rec's root, to
 * generation @slot and marks them ready. @merge: the generation is not in
 * force, so keys it holds already are combined; in force they are left
 * alone, and a reload (which merges) is asked for.
 *
 * When it cannot be done the cgroup's execs must not wait for ever (each
 * would be stopped, continued and stopped again) nor run unjudged: the
 * mark says "failed" and the gate refuses them, logged here. A reload that
 * finds no process with the root (@merge) leaves it unmarked instead: the
 * cgroup may just be empty, and its next exec asks again.
 */
static int resolve_into(struct stk_roots *r, const struct stk_compiled *c, __u64 cgroup_id,
			const struct stk_root_rec *rec, unsigned int scope, uint32_t slot,
			bool merge, pid_t hint)
{
	struct stk_file_maps maps = {};
	char mountinfo[64];
	size_t conflicts = 0;
	pid_t pid;
	int fd, err;

	if (!c || scope < 1 || scope > c->n_scopes)
		return mark(r, cgroup_id, slot, scope, STK_ROOT_READY);
	fd = find_root(rec, hint, &pid);
	if (fd < 0 && merge)
		return 0;
	if (fd < 0) {
		stk_err("roots", "cgroup %llu: no process has its recorded root any more; its "
				 "execs are refused (scope %u)", (unsigned long long)cgroup_id, scope);
		return mark(r, cgroup_id, slot, scope, STK_ROOT_FAILED);
	}
	snprintf(mountinfo, sizeof(mountinfo), "/proc/%d/mountinfo", (int)pid);
	err = stk_resolve_scope_in_root(c, scope, fd, mountinfo, &maps);
	close(fd);
	if (!err)
		err = stk_lsm_file_add(r->pin_dir, &maps, slot, merge, &conflicts);
	/* Cached ancestries of this generation may predate the new keys. */
	if (!err)
		err = stk_gen_file_keys_changed(r->config_fd);
	stk_file_maps_free(&maps);
	if (err) {
		stk_err("roots", "cgroup %llu: adding the keys of scope %u failed: %s; its execs "
				 "are refused", (unsigned long long)cgroup_id, scope, strerror(-err));
		mark(r, cgroup_id, slot, scope, STK_ROOT_FAILED);
		return merge ? err : 0;
	}
	if (conflicts) {
		stk_warn("roots", "cgroup %llu: %zu keys of scope %u are keys of other paths too; "
				  "reloading to combine them",
			 (unsigned long long)cgroup_id, conflicts, scope);
		kill(getpid(), SIGHUP);
	}
	return mark(r, cgroup_id, slot, scope, STK_ROOT_READY);
}

static bool is_ready(const struct stk_roots *r, __u64 cgroup_id, uint32_t slot,
		     unsigned int scope)
{
	struct stk_root_ready_key key = { .cgroup_id = cgroup_id, .slot = slot,
					  .scope = (__u16)scope };
	__u32 v;

	return !bpf_map_lookup_elem(r->ready_fd, &key, &v);
}

void stk_roots_serve(struct stk_roots *r)
{
	struct stk_root_rec rec;
	uint32_t active = 0;
	size_t i;

	r->n_queue = 0;
	ring_buffer__consume(r->rb);
	if (!r->n_queue)
		return;
	stk_gen_active(r->config_fd, &active);
	for (i = 0; i < r->n_queue; i++) {
		const struct stk_root_request *q = &r->queue[i];

		/* Asked under a generation no longer in force: its restart asks again. */
		if (q->slot != active || is_ready(r, q->cgroup_id, active, q->scope))
			continue;
		if (bpf_map_lookup_elem(r->records_fd, &q->cgroup_id, &rec))
			continue; /* its cgroup is gone */
		resolve_into(r, r->compiled, q->cgroup_id, &rec, q->scope, active, false,
			     (pid_t)q->pid);
	}
	/* Continued only once stopped: a SIGCONT first would cancel the stop. */
	for (i = 0; i < r->n_queue; i++) {
		pid_t pid = (pid_t)r->queue[i].pid;
		int err;

		stk_task_wait_stopped(pid, (pid_t)r->queue[i].tid, STOP_WAIT_MS);
		err = stk_task_signal(pid, SIGCONT);
		if (err && err != -ESRCH)
			stk_err("roots", "continuing process %d failed: %s; it stays stopped",
				(int)pid, strerror(-err));
	}
}

/* The scope of cgroup @id under generation @slot (0: none, or not known). */
static unsigned int scope_of(const struct stk_roots *r, __u64 id, uint32_t slot)
{
	struct stk_cgroup_key key = { .cgroup_id = id, .slot = slot };
	struct stk_cgroup_entry e;

	return bpf_map_lookup_elem(r->scopes_fd, &key, &e) ? 0 : e.scope;
}

static bool ready_of_slot(const void *key, void *arg)
{
	return ((const struct stk_root_ready_key *)key)->slot == *(const uint32_t *)arg;
}

int stk_roots_fill_generation(void *roots, const struct stk_compiled *c, uint32_t gen)
{
	struct stk_roots *r = roots;
	struct stk_root_rec rec;
	__u64 key, next;
	unsigned int scope;
	void *prev = NULL;
	int err;

	/* What generation @gen said two reloads ago names other rules and scopes. */
	err = stk_map_delete_picked(r->ready_fd, sizeof(struct stk_root_ready_key), ready_of_slot,
				    &gen, NULL);
	while (!err && !bpf_map_get_next_key(r->records_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(r->records_fd, &key, &rec))
			continue;
		scope = scope_of(r, key, gen);
		if (scope)
			err = resolve_into(r, c, key, &rec, scope, gen, true, 0);
	}
	return err;
}

struct gone_ids {
	__u64 *v;
	size_t n;
};

static bool ready_of_gone(const void *key, void *arg)
{
	const struct gone_ids *g = arg;
	__u64 id = ((const struct stk_root_ready_key *)key)->cgroup_id;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i] == id)
			return true;
	return false;
}

void stk_roots_prune(struct stk_roots *r)
{
	struct gone_ids gone = {};
	__u64 key, next, *p;
	void *prev = NULL;

	while (!bpf_map_get_next_key(r->records_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!stk_cgroup_gone(r->mount_fd, key))
			continue;
		p = realloc(gone.v, (gone.n + 1) * sizeof(*gone.v));
		if (!p)
			break;
		gone.v = p;
		gone.v[gone.n++] = key;
	}
	if (gone.n) {
		stk_map_delete_picked(r->ready_fd, sizeof(struct stk_root_ready_key), ready_of_gone,
				      &gone, NULL);
		for (size_t i = 0; i < gone.n; i++)
			bpf_map_delete_elem(r->records_fd, &gone.v[i]);
	}
	free(gone.v);
}

/* One scoped cgroup's oldest process with a root of its own. */
struct found {
	__u64 cgroup_id;
	unsigned long long start;
	pid_t pid;
	unsigned int scope;
};

static int note_process(struct stk_roots *r, pid_t pid, uint32_t slot, struct found **v,
			size_t *n)
{
	struct found *f = NULL, *p;
	unsigned long long start;
	unsigned int scope;
	__u64 cg, ino;
	size_t i;

	if (stk_task_cgroup_id(pid, r->mount, &cg) || !(scope = scope_of(r, cg, slot)))
		return 0;
	if (stk_task_root_ino(pid, &ino) || stk_task_start_time(pid, &start))
		return 0;
	if (ino == r->agent_root.ino) {
		struct stk_root_id id;
		int fd = stk_task_open_root(pid, &id);

		if (fd >= 0)
			close(fd);
		if (fd >= 0 && id.dev == r->agent_root.dev)
			return 0; /* the agent's root: its own keys apply */
	}
	for (i = 0; i < *n && !f; i++)
		if ((*v)[i].cgroup_id == cg)
			f = &(*v)[i];
	if (!f) {
		p = realloc(*v, (*n + 1) * sizeof(**v));
		if (!p)
			return -ENOMEM;
		*v = p;
		f = &p[(*n)++];
		f->cgroup_id = cg;
		f->start = ~0ULL;
	}
	if (start < f->start) {
		f->start = start;
		f->pid = pid;
		f->scope = scope;
	}
	return 0;
}

int stk_roots_scan_existing(struct stk_roots *r)
{
	struct found *v = NULL;
	struct stk_root_rec rec;
	struct stk_root_id id;
	struct dirent *de;
	uint32_t active = 0;
	size_t n = 0, i;
	DIR *proc;
	int err = 0, fd;

	if (!r->compiled || !r->compiled->n_scopes)
		return 0;
	err = stk_gen_active(r->config_fd, &active);
	if (err)
		return err;
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (!err && (de = readdir(proc)))
		if (isdigit((unsigned char)de->d_name[0]))
			err = note_process(r, (pid_t)atoi(de->d_name), active, &v, &n);
	closedir(proc);
	for (i = 0; i < n && !err; i++) {
		if (!bpf_map_lookup_elem(r->records_fd, &v[i].cgroup_id, &rec))
			continue; /* recorded by the gate, or by the agent before a restart */
		fd = stk_task_open_root(v[i].pid, &id);
		if (fd < 0)
			continue; /* gone meanwhile */
		close(fd);
		rec.ino = id.ino;
		rec.dev = id.dev;
		rec.pid = (__u32)v[i].pid;
		if (bpf_map_update_elem(r->records_fd, &v[i].cgroup_id, &rec, BPF_NOEXIST))
			continue; /* an exec recorded it meanwhile */
		if (!is_ready(r, v[i].cgroup_id, active, v[i].scope))
			err = resolve_into(r, r->compiled, v[i].cgroup_id, &rec, v[i].scope, active,
					   false, v[i].pid);
	}
	free(v);
	return err;
}
