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

#include "cgroup_path.h"
#include "cgroup_sock.h"
#include "decisions.h"
#include "enforcer.h"
#include "exec.skel.h"
#include "file_ops.skel.h"
#include "generation.h"
#include "lsm_file.h"
#include "lsm_guard.h"
#include "lsm_ops.h"
#include "lsm_walk_set.h"
#include "net_gen.h"
#include "pin.h"
#include "scope_set.h"
#include "shared_maps.h"
#include "verdict.h"

struct stk_enforcer {
	struct stk_shared_maps shared;
	struct stk_lsm_file *file;
	struct stk_lsm_walk_set *file_ops; /* bpf/lsm/file_ops.bpf.c */
	struct stk_lsm_walk_set *exec;	    /* bpf/lsm/exec.bpf.c */
	struct stk_cgroup_sock *net; /* NULL only without a cgroup v2 mount */
	char net_cgroup[4096];
	struct stk_lsm_ops *ops;
	struct stk_lsm_guard *guard; /* self-protection: attached idle, stk_guard_setup() arms it */
	struct stk_scope_set *scope;
	bool adopted; /* the shared fds come from pins and are ours to close */
};

/*
 * What the file keys of every scope say: the accesses none rules
 * (stk_config.file_unruled) and what some key says (stk_config.file_keyed_*).
 * One for every scope: container roots add a scope's keys to the
 * generation in force, and the agent adds keys of its own (the canary),
 * which @in->file_maps counts as it adds them.
 */
struct file_rules {
	uint8_t unruled;
	struct stk_file_keyed keyed;
};

static struct file_rules file_rules(const struct stk_enforcer_input *in)
{
	const struct stk_compiled *c = in->compiled;
	struct file_rules r = { c->file_unruled, c->file_keyed };
	size_t i;

	for (i = 0; i < c->n_scopes; i++) {
		r.unruled &= c->scopes[i]->file_unruled;
		stk_keyed_add(&r.keyed, &c->scopes[i]->file_keyed);
	}
	if (in->file_maps) {
		r.unruled &= (uint8_t)~in->file_maps->added_ruled;
		stk_keyed_add(&r.keyed, &in->file_maps->added_keyed);
	}
	return r;
}

static void config_from(const struct stk_compiled *c, struct file_rules rules,
			struct stk_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->file_default = c->file_default;
	cfg->exec_flags = c->exec_flags;
	cfg->fileless_rule = c->fileless_rule;
	cfg->fileless_action = c->fileless_action;
	cfg->ops = c->ops;
	cfg->file_unruled = rules.unruled;
	cfg->file_keyed_deny = rules.keyed.deny;
	cfg->file_keyed_complain = rules.keyed.complain;
	cfg->file_keyed_audit = rules.keyed.audit;
}

/* Writes generation @gen's settings of every scope (the selector is not touched). */
static int write_configs(int fd, uint32_t gen, const struct stk_enforcer_input *in)
{
	const struct stk_compiled *c = in->compiled;
	struct file_rules rules = file_rules(in);
	struct stk_config cfg;
	size_t s;
	int err;

	config_from(c, rules, &cfg);
	/* What stk_current_scope() trusts: entries naming another scope are stale. */
	cfg.scopes = (__u8)c->n_scopes;
	err = stk_gen_write_config(fd, gen, 0, &cfg);
	for (s = 0; s < c->n_scopes && !err; s++) {
		config_from(c->scopes[s], rules, &cfg);
		err = stk_gen_write_config(fd, gen, (uint32_t)(s + 1), &cfg);
	}
	return err;
}

/*
 * The network programs are loaded whenever there is a cgroup v2 hierarchy to
 * attach them to, with network rules or without (then every scope's table
 * is STK_NET_NO_RULES and they judge nothing): so a reload can add rules
 * in the one selector write, like any other change (docs/design.md).
 */
static int net_load(struct stk_enforcer *e, const struct stk_enforcer_input *in, char *why,
		    size_t why_len)
{
	const struct stk_net_compiled *n = stk_net_of(in->compiled);
	int err = stk_cgroup2_mount(e->net_cgroup, sizeof(e->net_cgroup));

	if (err == -ENOENT && !n->present)
		return 0;
	if (err && n->present)
		snprintf(why, why_len, "no cgroup v2 mount for the network rules: %s",
			 strerror(-err));
	else if (err)
		snprintf(why, why_len, "finding the cgroup v2 mount failed: %s", strerror(-err));
	if (err)
		return err;
	return stk_cgroup_sock_load(&e->net, n, &e->shared, in->ringbuf_bytes, why, why_len);
}

int stk_enforcer_load(struct stk_enforcer **ret, const struct stk_enforcer_input *in, char *why,
		      size_t why_len)
{
	struct stk_enforcer *e = calloc(1, sizeof(*e));
	const void *elf;
	size_t size;
	int err;

	if (!e)
		return -ENOMEM;
	e->shared = (struct stk_shared_maps)STK_SHARED_MAPS_INIT;
	err = stk_lsm_file_load(&e->file, in->file_maps, &e->shared, in->ringbuf_bytes, why,
				why_len);
	if (!err) {
		elf = stk_lsm_file_ops_bpf__elf_bytes(&size);
		err = stk_lsm_walk_set_load(&e->file_ops, "stk_file_ops", elf, size, e->file,
					    &e->shared, why, why_len);
	}
	if (!err) {
		elf = stk_lsm_exec_bpf__elf_bytes(&size);
		err = stk_lsm_walk_set_load(&e->exec, "stk_exec", elf, size, e->file, &e->shared,
					    why, why_len);
	}
	if (!err)
		err = net_load(e, in, why, why_len);
	if (err)
		goto cleanup;
	err = stk_lsm_ops_load(&e->ops, &in->compiled->ops, &e->shared, in->ringbuf_bytes, why,
			       why_len);
	if (!err)
		err = stk_lsm_guard_load(&e->guard, &e->shared, in->ringbuf_bytes, why, why_len);
	if (!err)
		err = stk_scope_set_load(&e->scope, in->compiled, &e->shared, in->ringbuf_bytes,
					 why, why_len);
	if (err)
		goto cleanup;
	err = write_configs(e->shared.config_fd, STK_GEN_FIRST, in);
	if (!err)
		err = stk_gen_switch(e->shared.config_fd, STK_GEN_FIRST);
	if (err) {
		snprintf(why, why_len, "writing the configuration map failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_shared_maps_mark_agent(&e->shared);
	if (err) {
		snprintf(why, why_len, "marking the agent's own process failed: %s",
			 strerror(-err));
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
	char mount[4096] = "/sys/fs/cgroup";
	int err;

	/*
	 * Scopes first: every cgroup has its scope before any hook decides
	 * (a cgroup without an entry is judged as the host).
	 */
	err = stk_cgroup2_mount(mount, sizeof(mount));
	if (err && err != -ENOENT) {
		snprintf(why, why_len, "finding the cgroup v2 mount failed: %s", strerror(-err));
		return err;
	}
	err = stk_scope_set_attach(e->scope, mount, why, why_len);
	if (!err)
		err = stk_lsm_file_attach(e->file, why, why_len);
	if (!err)
		err = stk_lsm_walk_set_attach(e->file_ops, why, why_len);
	if (!err)
		err = stk_lsm_walk_set_attach(e->exec, why, why_len);
	if (!err && e->net)
		err = stk_cgroup_sock_attach(e->net, e->net_cgroup, why, why_len);
	if (!err)
		err = stk_lsm_ops_attach(e->ops, why, why_len);
	if (!err)
		err = stk_lsm_guard_attach(e->guard, why, why_len);
	return err;
}

int stk_enforcer_events_fd(const struct stk_enforcer *e)
{
	return e->shared.events_fd;
}

int stk_enforcer_counters_fd(const struct stk_enforcer *e)
{
	return e->shared.counters_fd;
}

int stk_enforcer_decisions_fd(const struct stk_enforcer *e)
{
	return e->shared.decisions_fd;
}

int stk_enforcer_rate_fd(const struct stk_enforcer *e)
{
	return e->shared.rate_fd;
}

int stk_enforcer_pin(struct stk_enforcer *e, const char *dir, char *why, size_t why_len)
{
	int err = stk_pin_dir_create(dir);

	if (!err)
		err = stk_pin_skeleton(stk_lsm_file_skeleton(e->file), dir);
	if (!err)
		err = stk_lsm_walk_set_pin(e->file_ops, dir);
	if (!err)
		err = stk_lsm_walk_set_pin(e->exec, dir);
	if (!err)
		err = stk_lsm_ops_pin(e->ops, dir);
	if (!err)
		err = stk_lsm_guard_pin(e->guard, dir);
	if (!err)
		err = stk_scope_set_pin(e->scope, dir);
	if (!err && e->net)
		err = stk_pin_skeleton(stk_cgroup_sock_skeleton(e->net), dir);
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
	e->shared.agent_fd = stk_pin_open_map(dir, "stk_agent_tasks", 0);
	/* Optional: programs pinned by an older agent have no decision counters. */
	e->shared.decisions_fd = stk_pin_open_map(dir, "stk_decisions", 0);
	e->shared.rate_fd = stk_pin_open_map(dir, "stk_rate", 0);
	e->shared.buckets_fd = stk_pin_open_map(dir, "stk_rate_buckets", 0);
	err = e->shared.events_fd < 0 ? e->shared.events_fd :
	      e->shared.counters_fd < 0 ? e->shared.counters_fd :
	      e->shared.config_fd < 0 ? e->shared.config_fd :
	      e->shared.agent_fd < 0 ? e->shared.agent_fd : 0;
	/* The exemptions of the agent (capabilities, bpf, sockets) follow it. */
	if (!err)
		err = stk_shared_maps_mark_agent(&e->shared);
	if (err) {
		snprintf(why, why_len, "opening the maps pinned under %s failed: %s", dir,
			 strerror(-err));
		stk_enforcer_destroy(e);
		return err;
	}
	*ret = e;
	return 0;
}

bool stk_enforcer_lacks_net(const char *pin_dir)
{
	struct stk_net_fds net = { -1, -1, -1, -1, -1 };
	char mount[4096];

	if (stk_cgroup2_mount(mount, sizeof(mount)))
		return false;
	if (stk_net_gen_open(pin_dir, &net) == -ENOENT)
		return true;
	stk_net_gen_close(&net);
	return false;
}

int stk_enforcer_mark_process(const struct stk_enforcer *e, pid_t pid)
{
	return stk_shared_maps_mark_pid(&e->shared, pid);
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
	const struct stk_net_compiled *net = stk_net_of(in->compiled);
	uint64_t h = 0xcbf29ce484222325ULL;
	const uint32_t layout = STK_PIN_LAYOUT;
	struct file_rules rules = file_rules(in);
	size_t i;

	h = fnv1a(h, &layout, sizeof(layout));
	config_from(in->compiled, rules, &cfg);
	h = fnv1a(h, &cfg, sizeof(cfg));
	for (i = 0; i < in->compiled->n_scopes; i++) {
		config_from(in->compiled->scopes[i], rules, &cfg);
		h = fnv1a(h, &cfg, sizeof(cfg));
	}
	h = fnv1a(h, in->compiled->globs, in->compiled->n_globs * sizeof(*in->compiled->globs));
	h = fnv1a(h, &m->n_inodes, sizeof(m->n_inodes));
	h = fnv1a(h, m->inodes, m->n_inodes * sizeof(*m->inodes));
	h = fnv1a(h, &m->n_names, sizeof(m->n_names));
	h = fnv1a(h, m->names, m->n_names * sizeof(*m->names));
	h = fnv1a(h, &net->present, sizeof(net->present));
	h = fnv1a(h, net->v4, net->n_v4 * sizeof(*net->v4));
	h = fnv1a(h, net->v6, net->n_v6 * sizeof(*net->v6));
	h = fnv1a(h, net->classes,
		  net->n_classes * sizeof(*net->classes));
	h = fnv1a(h, net->segs, net->n_segs * sizeof(*net->segs));
	h = fnv1a(h, net->table, sizeof(net->table));
	return h;
}

/*
 * The decision counters tagged with generation @next, two policies old: no
 * program writes them (the switch away from @next waited them out), and
 * the new policy's rule numbers must start from zero.
 */
static int forget_old_decisions(const char *pin_dir, uint32_t next)
{
	int fd = stk_pin_open_map(pin_dir, "stk_decisions", 0), n;

	if (fd == -ENOENT)
		return 0; /* pins of an agent without decision counters */
	if (fd < 0)
		return fd;
	n = stk_decisions_forget_gen(fd, next);
	close(fd);
	return n < 0 ? n : 0;
}

int stk_enforcer_reload(const char *pin_dir, const struct stk_enforcer_input *in, char *why,
			size_t why_len)
{
	struct stk_net_fds net = { -1, -1, -1, -1, -1 };
	char mount[4096] = "/sys/fs/cgroup";
	uint32_t cur, next;
	int fd, cg2, err;

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
	cg2 = stk_cgroup2_mount(mount, sizeof(mount));
	if (cg2 && cg2 != -ENOENT) {
		err = cg2;
		snprintf(why, why_len, "finding the cgroup v2 mount failed: %s", strerror(-err));
		goto cleanup;
	}
	/*
	 * The network programs are pinned whenever the agent found a cgroup
	 * v2 mount at start (net_load()). Without them, network rules have
	 * nothing to go into; say why.
	 */
	err = stk_net_gen_open(pin_dir, &net);
	if (err == -ENOENT && !stk_net_of(in->compiled)->present) {
		err = 0;
	} else if (err == -ENOENT) {
		err = -EOPNOTSUPP;
		if (cg2 == -ENOENT)
			snprintf(why, why_len, "network rules need a cgroup v2 mount and this host "
				 "has none: the old policy stays in force");
		else
			snprintf(why, why_len, "the programs pinned under %s have no network "
				 "programs (loaded while there was no cgroup v2 mount): the old "
				 "policy stays in force; restart the agent, which loads them",
				 pin_dir);
		goto cleanup;
	} else if (err) {
		snprintf(why, why_len, "opening the pinned network maps failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	err = forget_old_decisions(pin_dir, next);
	if (err) {
		snprintf(why, why_len, "clearing the decision counters of generation %u failed: %s",
			 next, strerror(-err));
		goto cleanup;
	}
	/* Which cgroup is in which scope: generation @next's entry of every cgroup. */
	err = stk_scope_reload(pin_dir, mount, next, in->compiled, why, why_len);
	if (err)
		goto cleanup;
	/* Every set writes its rule maps as the inactive generation. */
	err = stk_lsm_file_refill(pin_dir, in->file_maps, next);
	if (err) {
		snprintf(why, why_len, "writing the new file rules failed: %s%s", strerror(-err),
			 err == -E2BIG ? " (the maps are full: restart the agent, which replaces "
					 "the programs with larger maps)" : "");
		goto cleanup;
	}
	if (net.v4 >= 0)
		err = stk_net_gen_fill(&net, stk_net_of(in->compiled), next);
	if (err) {
		snprintf(why, why_len, "writing the new network rules failed: %s%s",
			 strerror(-err),
			 err == -E2BIG ? " (the maps are full: restart the agent, which replaces "
					 "the programs with larger maps)" :
			 err == -EPROTO ? " (the network programs were loaded by an older agent: "
					  "restart the agent)" : "");
		stk_net_gen_forget(&net, next);
		stk_lsm_file_forget(pin_dir, next);
		goto cleanup;
	}
	if (in->fill_extra) {
		err = in->fill_extra(in->fill_extra_arg, in->compiled, next);
		if (err) {
			snprintf(why, why_len, "adding the container roots' keys failed: %s",
				 strerror(-err));
			if (net.v4 >= 0)
				stk_net_gen_forget(&net, next);
			stk_lsm_file_forget(pin_dir, next);
			goto cleanup;
		}
	}
	err = write_configs(fd, next, in);
	if (!err)
		err = stk_gen_switch(fd, next);
	if (err) {
		snprintf(why, why_len, "switching to the new policy failed: %s", strerror(-err));
		stk_lsm_file_forget(pin_dir, next);
		if (net.v4 >= 0)
			stk_net_gen_forget(&net, next);
		goto cleanup;
	}
	/* The new policy is in force: a failure now only leaves garbage, said in @why. */
	if (stk_lsm_file_forget(pin_dir, cur) || (net.v4 >= 0 && stk_net_gen_forget(&net, cur)))
		snprintf(why, why_len, "removing the old generation's rules failed");
cleanup:
	stk_net_gen_close(&net);
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
		close_fd(e->shared.agent_fd);
		close_fd(e->shared.decisions_fd);
		close_fd(e->shared.rate_fd);
		close_fd(e->shared.buckets_fd);
	}
	stk_lsm_walk_set_destroy(e->exec);
	stk_lsm_walk_set_destroy(e->file_ops);
	stk_lsm_file_destroy(e->file);
	stk_cgroup_sock_destroy(e->net);
	stk_lsm_ops_destroy(e->ops);
	stk_lsm_guard_destroy(e->guard);
	stk_scope_set_destroy(e->scope);
	free(e);
}
