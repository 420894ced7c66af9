// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * enforcer.c - load and attach all program sets (see enforcer.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "enforcer.h"
#include "generation.h"
#include "lsm_file.h"
#include "pin.h"
#include "shared_maps.h"

struct stk_enforcer {
	struct stk_shared_maps shared;
	struct stk_lsm_file *file;
	bool adopted; /* the shared fds come from pins and are ours to close */
};

static void config_from(const struct stk_compiled *c, struct stk_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->file_default = c->file_default;
}

int stk_enforcer_load(struct stk_enforcer **ret, const struct stk_enforcer_input *in, char *why,
		      size_t why_len)
{
	struct stk_enforcer *e = calloc(1, sizeof(*e));
	struct stk_config cfg;
	int err;

	if (!e)
		return -ENOMEM;
	e->shared = (struct stk_shared_maps)STK_SHARED_MAPS_INIT;
	err = stk_lsm_file_load(&e->file, in->file_maps, &e->shared, in->ringbuf_bytes, why,
				why_len);
	if (err)
		goto cleanup;
	config_from(in->compiled, &cfg);
	err = stk_gen_write_config(e->shared.config_fd, STK_GEN_FIRST, &cfg);
	if (!err)
		err = stk_gen_switch(e->shared.config_fd, STK_GEN_FIRST);
	if (err) {
		snprintf(why, why_len, "writing the configuration map failed: %s", strerror(-err));
		goto cleanup;
	}
	*ret = e;
	return 0;
cleanup:
	stk_enforcer_destroy(e);
	return err;
}

int stk_enforcer_attach(struct stk_enforcer *e, char *why, size_t why_len)
{
	return stk_lsm_file_attach(e->file, why, why_len);
}

int stk_enforcer_events_fd(const struct stk_enforcer *e)
{
	return e->shared.events_fd;
}

int stk_enforcer_counters_fd(const struct stk_enforcer *e)
{
	return e->shared.counters_fd;
}

int stk_enforcer_pin(struct stk_enforcer *e, const char *dir, char *why, size_t why_len)
{
	int err = stk_pin_dir_create(dir);

	if (!err)
		err = stk_pin_skeleton(stk_lsm_file_skeleton(e->file), dir);
	if (err)
		snprintf(why, why_len, "pinning under %s failed: %s", dir, strerror(-err));
	return err;
}

int stk_enforcer_adopt(struct stk_enforcer **ret, const char *dir, char *why, size_t why_len)
{
	struct stk_enforcer *e;
	int err;

	if (!stk_pins_exist(dir))
		return -ENOENT;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->shared = (struct stk_shared_maps)STK_SHARED_MAPS_INIT;
	e->adopted = true;
	e->shared.events_fd = stk_pin_open_map(dir, "stk_events", 0);
	e->shared.counters_fd = stk_pin_open_map(dir, "stk_counters", 0);
	e->shared.config_fd = stk_pin_open_map(dir, "stk_config", 0);
	err = e->shared.events_fd < 0 ? e->shared.events_fd :
	      e->shared.counters_fd < 0 ? e->shared.counters_fd :
	      e->shared.config_fd < 0 ? e->shared.config_fd : 0;
	if (err) {
		snprintf(why, why_len, "opening the maps pinned under %s failed: %s", dir,
			 strerror(-err));
		stk_enforcer_destroy(e);
		return err;
	}
	*ret = e;
	return 0;
}

bool stk_enforcer_adopted(const struct stk_enforcer *e)
{
	return e->adopted;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

uint64_t stk_enforcer_digest(const struct stk_enforcer_input *in)
{
	const struct stk_file_maps *m = in->file_maps;
	struct stk_config cfg;
	uint64_t h = 0xcbf29ce484222325ULL;

	config_from(in->compiled, &cfg);
	h = fnv1a(h, &cfg, sizeof(cfg));
	h = fnv1a(h, &m->n_inodes, sizeof(m->n_inodes));
	h = fnv1a(h, m->inodes, m->n_inodes * sizeof(*m->inodes));
	h = fnv1a(h, &m->n_names, sizeof(m->n_names));
	h = fnv1a(h, m->names, m->n_names * sizeof(*m->names));
	return h;
}

int stk_enforcer_reload(const char *pin_dir, const struct stk_enforcer_input *in, char *why,
			size_t why_len)
{
	struct stk_config cfg;
	uint32_t cur, next;
	int fd, err;

	fd = stk_pin_open_map(pin_dir, "stk_config", 0);
	if (fd < 0) {
		snprintf(why, why_len, "opening the pinned config failed: %s", strerror(-fd));
		return fd;
	}
	err = stk_gen_active(fd, &cur);
	if (!err && cur != 1 && cur != 2)
		err = -EPROTO;
	if (err) {
		snprintf(why, why_len, "reading the active generation failed: %s", strerror(-err));
		goto cleanup;
	}
	next = stk_gen_other(cur);
	/* Every set writes its rule maps as the inactive generation. */
	err = stk_lsm_file_refill(pin_dir, in->file_maps, next);
	if (err) {
		snprintf(why, why_len, "writing the new file rules failed: %s%s", strerror(-err),
			 err == -E2BIG ? " (the maps are full: restart the agent, which replaces "
					 "the programs with larger maps)" : "");
		goto cleanup;
	}
	config_from(in->compiled, &cfg);
	err = stk_gen_write_config(fd, next, &cfg);
	if (!err)
		err = stk_gen_switch(fd, next);
	if (err) {
		snprintf(why, why_len, "switching to the new policy failed: %s", strerror(-err));
		stk_lsm_file_forget(pin_dir, next);
		goto cleanup;
	}
	/* The new policy is in force: a failure now only leaves garbage, said in @why. */
	if (stk_lsm_file_forget(pin_dir, cur))
		snprintf(why, why_len, "removing the old generation's rules failed");
cleanup:
	close(fd);
	return err;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void stk_enforcer_destroy(struct stk_enforcer *e)
{
	if (!e)
		return;
	if (e->adopted) {
		close_fd(e->shared.events_fd);
		close_fd(e->shared.counters_fd);
		close_fd(e->shared.config_fd);
	}
	stk_lsm_file_destroy(e->file);
	free(e);
}
