/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ocsf.h - audit events as OCSF (Open Cybersecurity Schema Framework) 1.1.
 *
 * Pure code: one native audit event (the JSON line of docs/audit.md) in,
 * one OCSF event out: File System Activity (1001) for file hooks and
 * mounts, Process Activity (1007) for exec, ptrace and capabilities,
 * Kernel Extension Activity (1002) for module and kexec loads, Kernel
 * Activity (1003) for bpf(), Network Activity (4001) for sockets. What
 * OCSF has no attribute for stays under "unmapped". The mapping is
 * documented in docs/audit.md.
 */
#ifndef STK_OCSF_H
#define STK_OCSF_H

#include <stddef.h>

#define STK_OCSF_VERSION "1.1.0"

/*
 * stk_ocsf_convert() - converts the native event @line (@len bytes, no
 * newline) into @out (@cap bytes; NUL-terminated on success).
 *
 * Return: the length of the OCSF text, -EINVAL for a line that is not a
 * native event, -ENOSPC when @out is too small, -ENOMEM.
 */
long stk_ocsf_convert(const char *line, size_t len, char *out, size_t cap);

#endif /* STK_OCSF_H */
