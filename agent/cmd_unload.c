// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * cmd_unload.c - "stockade unload": stop the agent if one runs, and remove
 * every pinned program, link and map, so nothing of stockade stays attached.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "commands.h"
#include "pin.h"
#include "status_file.h"

#define STOP_WAIT_MS 10000

/*
 * With --protect the kernel refuses both the signal and the unlinks to any
 * process but stockade itself: say how to do it instead.
 */
static void say_protected(const char *pin_dir)
{
	fprintf(stderr,
		"stockade: unload: refused: stockade protects itself (--protect) and this "
		"process was not started by the service manager.\n"
		"Stop the service instead: 'systemctl stop stockade' (it unloads everything "
		"under %s), or 'systemd-run --wait stockade unload' if no agent runs.\n",
		pin_dir);
}

static bool is_stockade(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "stockade\n");
}

/* Running, not a zombie waiting for its parent. */
static bool alive(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* Stops the agent named in the status file, if it still runs; -EPERM if protected. */
static int stop_agent(const char *pin_dir)
{
	struct json_object *o = stk_status_read(pin_dir), *v;
	struct timespec ts = { .tv_nsec = 50 * 1000000 };
	pid_t pid;
	int waited;

	if (!o)
		return 0;
	pid = json_object_object_get_ex(o, "agent_pid", &v) ? json_object_get_int(v) : 0;
	json_object_put(o);
	/* A recycled pid must not get our signal. */
	if (pid <= 1 || !is_stockade(pid))
		return 0;
	if (kill(pid, SIGTERM))
		return errno == EPERM ? -EPERM : 0;
	for (waited = 0; waited < STOP_WAIT_MS && alive(pid); waited += 50)
		nanosleep(&ts, NULL);
	if (alive(pid)) {
		/* It holds the links too: the pins alone would not end enforcement. */
		fprintf(stderr, "stockade: unload: agent %d did not stop; killing it\n", (int)pid);
		kill(pid, SIGKILL);
	}
	return 0;
}

int stk_cmd_unload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *pin_dir = STK_PIN_DIR_DEFAULT;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'P':
			pin_dir = optarg;
			break;
		case 'h':
			printf("usage: stockade unload [--pin-dir DIR]\n");
			return STK_EXIT_OK;
		default:
			fprintf(stderr, "usage: stockade unload [--pin-dir DIR]\n");
			return STK_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: stockade unload [--pin-dir DIR]\n");
		return STK_EXIT_USAGE;
	}
	err = stop_agent(pin_dir);
	if (!err)
		err = stk_pin_remove_all(pin_dir);
	if (err == -EPERM) {
		say_protected(pin_dir);
		return STK_EXIT_FAIL;
	}
	if (err) {
		fprintf(stderr, "stockade: unload: removing %s failed: %s\n", pin_dir,
			strerror(-err));
		return STK_EXIT_FAIL;
	}
	stk_status_remove(pin_dir);
	printf("stockade: nothing of stockade is loaded under %s any more\n", pin_dir);
	return STK_EXIT_OK;
}
