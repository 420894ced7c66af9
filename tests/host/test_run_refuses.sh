#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# On a kernel that will not load BPF LSM programs (like the development
# machines' own), "stockade run" must refuse to start with a message that
# says why, exit non-zero, and leave nothing attached or pinned. Prints TAP.
set -u
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-build}
STOCKADE=$OUTPUT/bin/stockade
tmp=$(mktemp -d)
n=0
failed=0
sfs_was_mounted=0
grep -qs ' /sys/kernel/security securityfs' /proc/mounts && sfs_was_mounted=1

cleanup() {
	rm -rf "$tmp"
	# Leave the host's mounts as they were.
	if [ $sfs_was_mounted = 0 ] && grep -qs ' /sys/kernel/security securityfs' /proc/mounts; then
		umount /sys/kernel/security
	fi
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

bpf_state() {
	# Programs, links and pins of ours on this host, one per line.
	bpftool -j prog show 2>/dev/null | grep -o '"name":"stk_[a-z0-9_]*"' | sort
	bpftool -j link show 2>/dev/null | grep -o '"prog_id":[0-9]*' | sort
	ls -d /sys/fs/bpf/stockade* 2>/dev/null
}

echo "1..6"
before=$(bpf_state)

"$STOCKADE" run --policy examples/demo.json --audit-log "$tmp/audit.log" --no-syslog \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/err" | sed 's/^/# /'
[ $rc -ne 0 ]
ok $? "stockade run exits non-zero where BPF LSM cannot be used (exit $rc)"

grep -qE 'BPF LSM|BTF|securityfs' "$tmp/err"
ok $? "the message names what is missing"

grep -qE 'lsm=|refused to load|CONFIG_' "$tmp/err"
ok $? "the message says how to enable it or why it is refused"

after=$(bpf_state)
[ "$before" = "$after" ]
ok $? "no stockade program, link or pin is left behind"

"$STOCKADE" run --policy "$tmp/missing.json" --audit-log "$tmp/audit.log" --no-syslog \
	>/dev/null 2>"$tmp/err2"
[ $? -ne 0 ]
ok $? "stockade run with a missing policy exits non-zero"

"$STOCKADE" check examples/demo.json >"$tmp/check.out" 2>&1
ok $? "stockade check accepts examples/demo.json"
exit $failed
