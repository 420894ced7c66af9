// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lsm_exec.c - load and attach the exec rules' programs. They own no rule
 * data: exec is an access kind of the file set's table, in its maps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "exec.skel.h"
#include "kernel_check.h"
#include "lsm_exec.h"

struct stk_lsm_exec {
	struct stk_lsm_exec_bpf *skel;
};

int stk_lsm_exec_load(struct stk_lsm_exec **ret, const struct stk_lsm_file *file,
			  struct stk_shared_maps *shared, char *why, size_t why_len)
{
	struct stk_lsm_exec *f;
	int inodes_fd, names_fd, err;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->skel = stk_lsm_exec_bpf__open();
	if (!f->skel) {
		err = -errno;
		snprintf(why, why_len, "opening the BPF object failed: %s", strerror(-err));
		goto cleanup;
	}
	stk_lsm_file_rule_fds(file, &inodes_fd, &names_fd);
	err = bpf_map__reuse_fd(f->skel->maps.stk_file_inodes, inodes_fd);
	if (!err)
		err = bpf_map__reuse_fd(f->skel->maps.stk_file_names, names_fd);
	if (!err)
		err = stk_shared_maps_use(shared, f->skel->maps.stk_events,
					  f->skel->maps.stk_counters, f->skel->maps.stk_config);
	if (err) {
		snprintf(why, why_len, "sharing maps failed: %s", strerror(-err));
		goto cleanup;
	}
	err = stk_lsm_exec_bpf__load(f->skel);
	if (err) {
		stk_kernel_load_error(err, why, why_len);
		goto cleanup;
	}
	stk_shared_maps_adopt(shared, f->skel->maps.stk_events, f->skel->maps.stk_counters,
			      f->skel->maps.stk_config);
	*ret = f;
	return 0;
cleanup:
	stk_lsm_exec_destroy(f);
	return err;
}

int stk_lsm_exec_attach(struct stk_lsm_exec *f, char *why, size_t why_len)
{
	int err = stk_lsm_exec_bpf__attach(f->skel);

	if (err)
		stk_kernel_load_error(err, why, why_len);
	return err;
}

void stk_lsm_exec_destroy(struct stk_lsm_exec *f)
{
	if (!f)
		return;
	stk_lsm_exec_bpf__destroy(f->skel);
	free(f);
}
