/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prog_stats.h - what each attached program costs, as the kernel counts
 * it: runs and nanoseconds per program (bpf_prog_info.run_cnt and
 * run_time_ns). The kernel counts only while the sysctl
 * kernel.bpf_stats_enabled is 1, since timing every run costs two clock
 * reads per run; the operator turns it on to see what each hook costs on
 * their workload (docs/performance.md), the metrics file then has it.
 */
#ifndef STK_PROG_STATS_H
#define STK_PROG_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

struct stk_prog_stat {
	uint32_t id;
	char name[BPF_OBJ_NAME_LEN];
	uint64_t runs;
	uint64_t run_ns;
};

struct stk_prog_stats {
	struct stk_prog_stat *v; /* one per program, in the pins' order */
	size_t n;
	bool enabled; /* kernel.bpf_stats_enabled was 1 when read */
};

/*
 * stk_prog_stats_read() - the counts of the programs whose links are
 * pinned under @pin_dir (a program attached by several links once).
 * Return: 0 or a negative errno (@out then empty).
 */
int stk_prog_stats_read(const char *pin_dir, struct stk_prog_stats *out);
/*
 * stk_prog_info_of_link() - what the kernel says of the link @link_fd and
 * of the program it attaches (run_cnt and run_time_ns among it).
 * Return: 0 or a negative errno.
 */
int stk_prog_info_of_link(int link_fd, struct bpf_link_info *li, struct bpf_prog_info *pi);
/* Whether the kernel counts programs' runs now (kernel.bpf_stats_enabled). */
bool stk_prog_stats_enabled(void);
void stk_prog_stats_free(struct stk_prog_stats *s);

#endif /* STK_PROG_STATS_H */
