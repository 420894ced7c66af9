/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cgroup_sock.h - the network rules' cgroup socket programs (cgroup/sock.bpf.c).
 */
#ifndef STK_CGROUP_SOCK_H
#define STK_CGROUP_SOCK_H

#include <stddef.h>

#include "net_gen.h"
#include "network.h"
#include "shared_maps.h"

struct stk_cgroup_sock;

/*
 * stk_cgroup_sock_load() - open and load the programs, sized for @n, sharing
 * the maps in @shared (and filling it in if this set is the first), then
 * fill the network maps with @n. Nothing is attached yet.
 * On failure @why says what went wrong.
 *
 * Return: 0 or a negative errno.
 */
int stk_cgroup_sock_load(struct stk_cgroup_sock **ret, const struct stk_net_compiled *n,
			 struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
			 size_t why_len);
/*
 * stk_cgroup_sock_prepare() and stk_cgroup_sock_fill() - the two halves of
 * stk_cgroup_sock_load() (less adopting the shared maps into @shared), for
 * measuring them apart: load the programs (the verifier's part) sized for @n,
 * then fill the network maps with @n.
 */
int stk_cgroup_sock_prepare(struct stk_cgroup_sock **ret, const struct stk_net_compiled *n,
			    const struct stk_shared_maps *shared, size_t ringbuf_bytes, char *why,
			    size_t why_len);
int stk_cgroup_sock_fill(const struct stk_cgroup_sock *s, const struct stk_net_compiled *n,
			 char *why, size_t why_len);
/* The network maps' descriptors (net_gen.h), owned by @s. */
void stk_cgroup_sock_net_fds(const struct stk_cgroup_sock *s, struct stk_net_fds *ret);
/*
 * stk_cgroup_sock_attach() - attach every program to the cgroup directory
 * @cgroup with BPF links: other programs on that cgroup stay as they are
 * (multi-attach), and the processes of @cgroup and all its descendants are
 * judged. On failure nothing stays attached.
 */
int stk_cgroup_sock_attach(struct stk_cgroup_sock *s, const char *cgroup, char *why,
			   size_t why_len);
/* Detaches and frees everything; NULL is fine. */
struct bpf_object_skeleton;
/* The skeleton, for pinning (pin.h). */
const struct bpf_object_skeleton *stk_cgroup_sock_skeleton(const struct stk_cgroup_sock *s);
void stk_cgroup_sock_destroy(struct stk_cgroup_sock *s);

#endif /* STK_CGROUP_SOCK_H */
