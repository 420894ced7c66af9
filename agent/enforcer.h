/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * enforcer.h - every BPF program set of stockade, loaded and attached as one.
 *
 * Each set (file rules today; exec, capabilities, kernel, network as the
 * language grows) has its own skeleton wrapper; the enforcer loads them all
 * with shared maps, fills the shared config, and only then attaches them,
 * so enforcement starts with the whole policy in place.
 */
#ifndef STK_ENFORCER_H
#define STK_ENFORCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "resolve.h"

struct stk_enforcer;

struct stk_enforcer_input {
	const struct stk_compiled *compiled;
	const struct stk_file_maps *file_maps;
	size_t ringbuf_bytes;
	/*
	 * Reload only, may be NULL: adds more keys to generation @gen after
	 * @file_maps and before the switch (container_roots.h).
	 */
	int (*fill_extra)(void *arg, const struct stk_compiled *c, uint32_t gen);
	void *fill_extra_arg;
};

/* Loads every set; nothing is attached. @why explains a failure. */
int stk_enforcer_load(struct stk_enforcer **ret, const struct stk_enforcer_input *in, char *why,
		      size_t why_len);
/* Attaches every set. On failure nothing stays attached. */
int stk_enforcer_attach(struct stk_enforcer *e, char *why, size_t why_len);
int stk_enforcer_events_fd(const struct stk_enforcer *e);
int stk_enforcer_counters_fd(const struct stk_enforcer *e);
/* stk_decisions and stk_rate (stk_abi.h); -1 if the adopted programs predate them. */
int stk_enforcer_decisions_fd(const struct stk_enforcer *e);
int stk_enforcer_rate_fd(const struct stk_enforcer *e);
/*
 * Pins every set's maps and links under @dir (pin.h), so enforcement stays
 * when the agent dies. Call after stk_enforcer_attach().
 */
int stk_enforcer_pin(struct stk_enforcer *e, const char *dir, char *why, size_t why_len);
/*
 * Takes over what an earlier agent pinned under @dir: opens its shared maps,
 * loads and attaches nothing, so enforcement never pauses. -ENOENT if
 * nothing is pinned there.
 */
int stk_enforcer_adopt(struct stk_enforcer **ret, const char *dir, char *why, size_t why_len);
/*
 * Whether the programs pinned under @dir lack the network set although this
 * host has a cgroup v2 mount (pinned without one, or by an older agent that
 * loaded it only for network rules): such pins cannot take network rules.
 */
bool stk_enforcer_lacks_net(const char *pin_dir);
/*
 * Marks process @pid as the agent in the kernel (its exemptions:
 * capabilities, kernel operations, sockets), as load and adopt mark the
 * process that loads. The monitor marks its event reader with it: the
 * reader cannot mark itself, since a policy may deny it the bpf() call
 * (kernel.deny bpf, or a denied CAP_BPF) until it is marked.
 */
int stk_enforcer_mark_process(const struct stk_enforcer *e, pid_t pid);
/* Whether @e was adopted from pins rather than loaded. */
bool stk_enforcer_adopted(const struct stk_enforcer *e);
/*
 * stk_enforcer_reload() - put @in in force in the programs pinned under
 * @pin_dir in one atomic switch (generation.h). Nothing changes on failure
 * before the switch; a failure after it (removing the old rules) leaves
 * the new policy in force: 0 is returned and @why says what is left.
 */
int stk_enforcer_reload(const char *pin_dir, const struct stk_enforcer_input *in, char *why,
			size_t why_len);
/* A digest of everything the input puts into maps: equal digests, equal policy in force. */
uint64_t stk_enforcer_digest(const struct stk_enforcer_input *in);
/*
 * Frees @e; what is pinned stays attached, what is not is detached.
 * NULL is fine.
 */
void stk_enforcer_destroy(struct stk_enforcer *e);

#endif /* STK_ENFORCER_H */
