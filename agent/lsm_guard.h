/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lsm_guard.h - self-protection (bpf/lsm/guard.bpf.c): the program set that
 * keeps everyone but stockade itself from undoing stockade.
 *
 * The set is always loaded, attached and pinned with the others, doing
 * nothing; stk_guard_setup() tells it what is ours and switches it on
 * (--protect) or off. It works on the pins only, so it serves a freshly
 * loaded enforcer and an adopted one alike.
 */
#ifndef STK_LSM_GUARD_H
#define STK_LSM_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shared_maps.h"

struct stk_lsm_guard;

/* Loads the set sharing the maps in @shared (agent mark included); nothing attached. */
int stk_lsm_guard_load(struct stk_lsm_guard **ret, struct stk_shared_maps *shared,
		       size_t ringbuf_bytes, char *why, size_t why_len);
int stk_lsm_guard_attach(struct stk_lsm_guard *g, char *why, size_t why_len);
/* Pins the set's maps and links under @dir (pin.h); NULL is fine. */
int stk_lsm_guard_pin(const struct stk_lsm_guard *g, const char *dir);
/* Detaches what is not pinned and frees; NULL is fine. */
void stk_lsm_guard_destroy(struct stk_lsm_guard *g);

struct stk_guard_opts {
	bool protect;	      /* --protect: switch the guard on; false switches it off */
	pid_t launcher_pid;   /* the service manager (--launcher-pid, default 1) */
	const char *via_exe;  /* what the launcher execs services through, or NULL */
};

/*
 * stk_guard_setup() - record every object and pin under @pin_dir as ours,
 * this process's executable as stockade's, mark the launcher, then switch
 * protection as @o says. Call after the pins are complete; again after
 * anything is re-pinned. @why explains a failure; -ENOENT: the pins have
 * no guard (pinned by an older stockade).
 *
 * Return: 0 or a negative errno.
 */
int stk_guard_setup(const char *pin_dir, const struct stk_guard_opts *o, char *why,
		    size_t why_len);

#endif /* STK_LSM_GUARD_H */
