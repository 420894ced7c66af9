/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * floor.h - which of the empty programs (floor.bpf.c) go on a cgroup: the
 * socket address, socket creation and egress packet ones, as stockade's
 * network set (cgroup/sock.bpf.c) has them.
 */
#ifndef STK_BENCH_FLOOR_H
#define STK_BENCH_FLOOR_H

#include <stdbool.h>

#include <bpf/libbpf.h>

static inline bool stk_floor_is_cgroup(const struct bpf_program *prog)
{
	enum bpf_prog_type t = bpf_program__type(prog);

	return t == BPF_PROG_TYPE_CGROUP_SOCK_ADDR || t == BPF_PROG_TYPE_CGROUP_SOCK ||
	       t == BPF_PROG_TYPE_CGROUP_SKB;
}

#endif
