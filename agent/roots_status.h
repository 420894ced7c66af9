/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * roots_status.h - the container roots the agent knows, for `stockade status`
 * (docs/design.md, "Container roots").
 */
#ifndef STK_ROOTS_STATUS_H
#define STK_ROOTS_STATUS_H

#include <json-c/json.h>

/*
 * stk_roots_status_json() - one object per cgroup with a recorded root, read
 * from the maps pinned under @pin_dir: its cgroup (path and id), the root
 * (device and inode), the pid whose exec recorded it, and whether the keys
 * are in for the generation in force ("ready", "failed" or "waiting").
 * NULL when the pins predate the container-root gate.
 */
struct json_object *stk_roots_status_json(const char *pin_dir);

#endif /* STK_ROOTS_STATUS_H */
