// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * floor.bpf.c - empty programs on the hooks stockade uses: the cost any BPF
 * agent pays before it decides anything. Benchmarks only.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("lsm/file_open")
int BPF_PROG(stk_floor_file_open, struct file *file, int ret)
{
	return ret;
}
