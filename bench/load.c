// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * load.c - what loading a policy costs natively, step by step, with the
 * agent's own code: parse, compile, resolve the rule paths, and fill the
 * kernel's maps (file maps created from the file skeleton with its LSM
 * programs left out, since this host refuses LSM programs; the network set
 * loads whole: cgroup programs load here). Nothing is attached. Loading the
 * programs (the verifier, and creating the maps) and filling the maps are
 * measured apart: only the second grows with the policy. Then the map side
 * of a reload of the same policy (stk_enforcer_reload() without the
 * selector switch): generation 2 written beside 1, then 1 deleted; a
 * reload's parse, compile and resolve cost what the load's did.
 *   stk-bench-load POLICY RULES_PER_KIND
 * prints "NATIVE-load RULES parse_ms compile_ms resolve_ms progs_ms fill_ms
 * total_ms rss_kb reload_maps_ms" (milliseconds of CPU time; rss_kb once
 * the agent's after-load releases are done, as stockade run does them).
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "cgroup_sock.h"
#include "file.skel.h"
#include "generation.h"
#include "lsm_file.h"
#include "policy.h"
#include "policy_load.h"
#include "resolve.h"
#include "shared_maps.h"

/*
 * CPU time of this process, user and kernel (the verifier and map updates run
 * in the kernel on our behalf): other work on a shared machine does not count.
 */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc(n + 1)) && fread(buf, 1, n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = n;
	} else {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	return buf;
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

/* The file maps as the agent creates them, without the programs that use them. */
/* Generation 2 of the same policy beside 1, then 1 gone, as a reload does. */
static int reload_maps(const struct stk_lsm_file_bpf *file_skel, const struct stk_cgroup_sock *net,
		       const struct stk_file_maps *m, const struct stk_net_compiled *n)
{
	int ifd = bpf_map__fd(file_skel->maps.stk_file_inodes);
	int nfd = bpf_map__fd(file_skel->maps.stk_file_names);
	struct stk_net_fds fds;
	int err;

	stk_cgroup_sock_net_fds(net, &fds);
	err = stk_gen_delete(ifd, sizeof(m->inodes->key), 2);
	if (!err)
		err = stk_gen_delete(nfd, sizeof(m->names->key), 2);
	if (!err)
		err = stk_lsm_file_fill(ifd, nfd, m, 2);
	if (!err)
		err = stk_net_gen_fill(&fds, n, 2);
	if (!err)
		err = stk_gen_delete(ifd, sizeof(m->inodes->key), STK_GEN_FIRST);
	if (!err)
		err = stk_gen_delete(nfd, sizeof(m->names->key), STK_GEN_FIRST);
	if (!err)
		err = stk_net_gen_forget(&fds, STK_GEN_FIRST);
	return err;
}

static int create_file_maps(const struct stk_file_maps *m, struct stk_lsm_file_bpf **ret)
{
	struct stk_lsm_file_bpf *skel = stk_lsm_file_bpf__open();
	struct bpf_program *prog;
	int err;

	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	/* As stk_lsm_file_load(): room for this policy and a reload beside it. */
	bpf_map__set_max_entries(skel->maps.stk_file_inodes, 2 * m->n_inodes + STK_FILE_MAP_HEADROOM);
	bpf_map__set_max_entries(skel->maps.stk_file_names, 2 * m->n_names + STK_FILE_MAP_HEADROOM);
	err = stk_lsm_file_bpf__load(skel);
	*ret = skel;
	return err;
}

int main(int argc, char **argv)
{
	struct stk_diags diags = { 0 };
	struct stk_shared_maps shared = STK_SHARED_MAPS_INIT;
	struct stk_lsm_file_bpf *file_skel = NULL;
	struct stk_cgroup_sock *net = NULL;
	struct stk_file_maps maps = { 0 };
	struct stk_compiled *compiled = NULL;
	struct stk_policy *pol = NULL;
	struct stk_policy_set set;
	double t0, t_parse, t_compile, t_resolve, t_progs, t_fill, t_reload;
	char why[512] = "";
	size_t len;
	char *text;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: stk-bench-load POLICY RULES_PER_KIND\n");
		return 2;
	}
	libbpf_set_print(NULL);
	stk_policy_heap_setup(); /* as stockade's main() */
	t0 = now_ms();
	text = read_all(argv[1], &len);
	if (!text) {
		perror(argv[1]);
		return 1;
	}
	err = stk_policy_parse(argv[1], text, len, &pol, &diags);
	free(text); /* as the agent does (policy_load.c) */
	t_parse = now_ms();
	if (!err)
		err = stk_compile(&pol, 1, &compiled, &diags);
	t_compile = now_ms();
	if (!err)
		err = stk_resolve_files(compiled, &maps, NULL, NULL);
	t_resolve = now_ms();
	if (!err)
		err = create_file_maps(&maps, &file_skel);
	if (!err)
		err = stk_cgroup_sock_prepare(&net, compiled->net, &shared, 1 << 16, why,
					      sizeof(why));
	t_progs = now_ms();
	if (!err)
		err = stk_lsm_file_fill(bpf_map__fd(file_skel->maps.stk_file_inodes),
					bpf_map__fd(file_skel->maps.stk_file_names), &maps,
					STK_GEN_FIRST);
	if (!err)
		err = stk_cgroup_sock_fill(net, compiled->net, why, sizeof(why));
	t_fill = now_ms();
	if (!err)
		err = reload_maps(file_skel, net, &maps, compiled->net);
	t_reload = now_ms();
	stk_diags_print(&diags, stderr);
	if (err) {
		fprintf(stderr, "stk-bench-load: %s %s\n", strerror(-err), why);
		return 1;
	}
	/* What stockade run gives back once the kernel holds the policy. */
	set = (struct stk_policy_set){ .pols = &pol, .n_pols = 1, .compiled = compiled };
	stk_file_maps_free(&maps);
	stk_policy_set_release_sources(&set);
	malloc_trim(0);
	printf("NATIVE-load %s %.1f %.1f %.1f %.1f %.1f %.1f %ld %.1f\n", argv[2], t_parse - t0,
	       t_compile - t_parse, t_resolve - t_compile, t_progs - t_resolve, t_fill - t_progs,
	       t_fill - t0, rss_kb(), t_reload - t_fill);
	stk_cgroup_sock_destroy(net);
	stk_lsm_file_bpf__destroy(file_skel);
	stk_file_maps_free(&maps);
	stk_compiled_free(compiled);
	stk_policy_free(pol);
	stk_diags_free(&diags);
	return 0;
}
