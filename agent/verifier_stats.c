/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * verifier_stats.c - the verifier's work per program (bpf_prog_info's
 * verified_insns, 5.16+; bpftool 7.1 does not print it).
 */
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "verifier_stats.h"

void stk_log_verified(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue; /* not loaded: another kernel's variant, or unused */
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		stk_debug("verifier", "%s: %u instructions verified (%u in the program)",
			  bpf_program__name(prog), info.verified_insns,
			  info.xlated_prog_len / 8);
	}
}
