/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pin.h - stockade's objects in the BPF filesystem, so enforcement outlives
 * the agent: DIR/maps/<map name> and DIR/links/<program name>.
 *
 * A program set takes part by handing its skeleton to stk_pin_skeleton();
 * maps the sets share (same name, same map) are pinned once.
 */
#ifndef STK_PIN_H
#define STK_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STK_PIN_DIR_DEFAULT "/sys/fs/bpf/stockade"

struct bpf_object_skeleton;

/* Creates @dir, @dir/maps and @dir/links, mode 0700. */
int stk_pin_dir_create(const char *dir);
/* Pins every map and every attached link of @s under @dir. */
int stk_pin_skeleton(const struct bpf_object_skeleton *s, const char *dir);
struct bpf_object;
struct bpf_link;

/*
 * Pins every map of @obj and @links[i] (attached from @obj's i-th program,
 * in bpf_object__for_each_program order) under @dir.
 */
int stk_pin_object(struct bpf_object *obj, struct bpf_link *const *links, size_t n_links,
		   const char *dir);
/* Whether @dir holds the pinned link of program @name. */
bool stk_pin_link_exists(const char *dir, const char *name);
/* Whether @dir holds at least one pinned link. */
bool stk_pins_exist(const char *dir);
/* Opens the pinned map @name; @flags is 0 or BPF_F_RDONLY. Returns an fd or -errno. */
int stk_pin_open_map(const char *dir, const char *name, uint32_t flags);

typedef int (*stk_pin_link_fn)(const char *name, int link_fd, void *arg);
/* Calls @fn for every pinned link (fd closed after the call). */
int stk_pin_for_each_link(const char *dir, stk_pin_link_fn fn, void *arg);
/*
 * Unpins everything under @dir and removes it; links detach once the last
 * fd to them closes. 0 if @dir did not exist.
 */
int stk_pin_remove_all(const char *dir);

#endif /* STK_PIN_H */
