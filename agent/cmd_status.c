// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_status.c - "stockade status": what is enforced right now.
 *
 * The pins are the truth (what is attached, the kernel's counters); the
 * agent's status file adds its pids and the policies' names. One JSON
 * object is built and printed either as JSON or as text.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "commands.h"
#include "persist.h"
#include "pin.h"
#include "prog_stats.h"
#include "roots_status.h"
#include "status_file.h"
#include "stk_abi.h"

struct links_ctx {
	struct json_object *arr;
	struct btf *vmlinux;
	bool prog_stats; /* kernel.bpf_stats_enabled: the programs' runs are counted */
};

static const char *hook_name(struct btf *vmlinux, __u32 btf_id)
{
	const struct btf_type *t;
	const char *name;

	if (!vmlinux || !btf_id)
		return "?";
	t = btf__type_by_id(vmlinux, btf_id);
	name = t ? btf__name_by_offset(vmlinux, t->name_off) : NULL;
	if (!name)
		return "?";
	/* LSM programs attach to bpf_lsm_<hook>. */
	return strncmp(name, "bpf_lsm_", 8) ? name : name + 8;
}

static int add_link(const char *name, int fd, void *arg)
{
	struct links_ctx *c = arg;
	struct bpf_link_info li;
	struct bpf_prog_info pi;
	struct json_object *o;
	const char *attach;
	int err;

	/* The program may be gone (detached in between): the link is still listed. */
	err = stk_prog_info_of_link(fd, &li, &pi);
	if (err && !li.id)
		return err;
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "link_id", json_object_new_int64(li.id));
	json_object_object_add(o, "prog_id", json_object_new_int64(li.prog_id));
	/* Network programs hang on a cgroup: their hook is the attach type. */
	attach = li.type == BPF_LINK_TYPE_CGROUP ? libbpf_bpf_attach_type_str(li.cgroup.attach_type) :
						    NULL;
	if (attach)
		json_object_object_add(o, "hook", json_object_new_string(attach));
	else if (li.type != BPF_LINK_TYPE_CGROUP && !err)
		json_object_object_add(o, "hook",
				       json_object_new_string(hook_name(c->vmlinux,
									pi.attach_btf_id)));
	if (c->prog_stats && !err) {
		json_object_object_add(o, "runs", json_object_new_uint64(pi.run_cnt));
		json_object_object_add(o, "run_ns", json_object_new_uint64(pi.run_time_ns));
	}
	json_object_array_add(c->arr, o);
	return 0;
}

static struct json_object *counters_json(const char *pin_dir)
{
	static const char *const names[STK_CNT_COUNT] = {
		[STK_CNT_EVENTS] = "events",
		[STK_CNT_LOST] = "lost",
		[STK_CNT_DENIED] = "denied",
		[STK_CNT_WALK_LIMIT] = "walk_limit",
		[STK_CNT_SUPPRESSED] = "suppressed",
		[STK_CNT_UNCOUNTED] = "uncounted",
	};
	int fd = stk_pin_open_map(pin_dir, "stk_counters", BPF_F_RDONLY);
	struct json_object *o;
	uint64_t v;
	__u32 i;

	if (fd < 0)
		return NULL;
	o = json_object_new_object();
	for (i = 0; i < STK_CNT_COUNT; i++)
		if (names[i] && stk_counter_read(fd, i, &v) == 0)
			json_object_object_add(o, names[i], json_object_new_int64(v));
	close(fd);
	return o;
}

static void agent_json(struct json_object *o, const char *pin_dir)
{
	struct json_object *agent = stk_status_read(pin_dir), *pid;
	bool running = false;

	if (!agent)
		return;
	if (json_object_object_get_ex(agent, "agent_pid", &pid))
		running = kill(json_object_get_int(pid), 0) == 0;
	json_object_object_add(agent, "running", json_object_new_boolean(running));
	json_object_object_add(o, "agent", agent);
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "?";
}

static long long num(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

/* When the agent last proved enforcement live (canary.h). */
static void print_canary(struct json_object *agent)
{
	struct json_object *c;
	long long pass, now = time(NULL);

	if (!json_object_object_get_ex(agent, "canary", &c)) {
		printf("canary: unknown (the agent writes no canary state)\n");
		return;
	}
	pass = num(c, "last_pass");
	if (!strcmp(str(c, "result"), "passed"))
		printf("canary: passed %lld s ago; enforcement is live\n", now - pass);
	else if (!strcmp(str(c, "result"), "failed") && pass)
		printf("canary: FAILED %lld s ago: %s; ENFORCEMENT IS NOT PROVEN "
		       "(last passed %lld s ago)\n",
		       now - num(c, "last_run"), str(c, "error"), now - pass);
	else if (!strcmp(str(c, "result"), "failed"))
		printf("canary: FAILED %lld s ago: %s; ENFORCEMENT IS NOT PROVEN (never passed)\n",
		       now - num(c, "last_run"), str(c, "error"));
	else
		printf("canary: not run yet\n");
}

static void print_text(struct json_object *o)
{
	struct json_object *agent, *arr, *v, *c;
	size_t i;

	printf("pin directory: %s\n", str(o, "pin_dir"));
	if (json_object_object_get_ex(o, "agent", &agent)) {
		json_object_object_get_ex(agent, "running", &v);
		printf("agent: pid %s (%s), event reader pid %s as user %s\n",
		       str(agent, "agent_pid"),
		       json_object_get_boolean(v) ? "running" : "not running", str(agent, "reader_pid"),
		       str(agent, "reader_user"));
		print_canary(agent);
		printf("policies: %s rules in all\n", str(agent, "rules"));
		if (json_object_object_get_ex(agent, "policies", &arr))
			for (i = 0; i < json_object_array_length(arr); i++) {
				v = json_object_array_get_idx(arr, i);
				printf("  %s (%s): %s rules\n", str(v, "name"), str(v, "file"),
				       str(v, "rules"));
			}
	} else {
		printf("agent: no status file (no agent ran since boot?)\n");
	}
	if (json_object_object_get_ex(o, "links", &arr)) {
		printf("attached:\n");
		for (i = 0; i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			printf("  %-20s hook %-16s link %s prog %s", str(v, "name"), str(v, "hook"),
			       str(v, "link_id"), str(v, "prog_id"));
			if (json_object_object_get_ex(v, "runs", &c) && json_object_get_int64(c) > 0)
				printf(": %s runs, %lld ns each", str(v, "runs"),
				       (long long)(json_object_get_int64(json_object_object_get(
							   v, "run_ns")) /
						   json_object_get_int64(c)));
			putchar('\n');
		}
	}
	if (json_object_object_get_ex(o, "agent", &agent) &&
	    json_object_object_get_ex(agent, "decisions", &arr) && json_object_array_length(arr)) {
		printf("decisions (exact, counted in the kernel):\n");
		for (i = 0; i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			printf("  %s/%s cgroup %s hook %s %s%s: %s (%s suppressed)\n",
			       str(v, "policy"), str(v, "rule"), str(v, "cgroup"), str(v, "hook"),
			       str(v, "action"),
			       json_object_object_get_ex(v, "complain", &c) &&
					       json_object_get_boolean(c) ?
				       " (complain)" :
				       "",
			       str(v, "decisions"), str(v, "suppressed"));
		}
	}
	if (json_object_object_get_ex(o, "container_roots", &arr) && json_object_array_length(arr)) {
		printf("container roots (scoped policies' paths resolved in them):\n");
		for (i = 0; i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			printf("  cgroup %s: root dev %s inode %s, recorded by pid %s: %s\n",
			       json_object_object_get_ex(v, "cgroup", &c) ? json_object_get_string(c) :
									  str(v, "cgroup_id"),
			       str(v, "root_dev"), str(v, "root_ino"), str(v, "recorded_by_pid"),
			       str(v, "state"));
		}
	}
	if (json_object_object_get_ex(o, "counters", &c)) {
		printf("counters:");
		json_object_object_foreach(c, k, val)
			printf(" %s %s", k, json_object_get_string(val));
		printf("\n");
	}
}

int stk_cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *pin_dir = STK_PIN_DIR_DEFAULT;
	struct links_ctx lc = {};
	struct json_object *o;
	bool json = false, loaded;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			pin_dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("usage: stockade status [--pin-dir DIR] [--json]\n");
			return STK_EXIT_OK;
		default:
			fprintf(stderr, "usage: stockade status [--pin-dir DIR] [--json]\n");
			return STK_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: stockade status [--pin-dir DIR] [--json]\n");
		return STK_EXIT_USAGE;
	}
	loaded = stk_pins_exist(pin_dir);
	o = json_object_new_object();
	json_object_object_add(o, "pin_dir", json_object_new_string(pin_dir));
	json_object_object_add(o, "loaded", json_object_new_boolean(loaded));
	if (loaded) {
		lc.arr = json_object_new_array();
		lc.vmlinux = btf__load_vmlinux_btf();
		lc.prog_stats = stk_prog_stats_enabled();
		if (libbpf_get_error(lc.vmlinux))
			lc.vmlinux = NULL;
		err = stk_pin_for_each_link(pin_dir, add_link, &lc);
		btf__free(lc.vmlinux);
		if (err == -EPERM)
			fprintf(stderr, "stockade: status: the links are protected (--protect): "
				"only stockade itself may open them\n");
		else if (err)
			fprintf(stderr, "stockade: status: reading the links failed: %s\n",
				strerror(-err));
		json_object_object_add(o, "links", lc.arr);
		json_object_object_add(o, "counters", counters_json(pin_dir));
		json_object_object_add(o, "container_roots", stk_roots_status_json(pin_dir));
		agent_json(o, pin_dir);
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	else if (loaded)
		print_text(o);
	else
		printf("nothing is loaded (no links pinned under %s)\n", pin_dir);
	json_object_put(o);
	return loaded ? STK_EXIT_OK : STK_EXIT_FAIL;
}
