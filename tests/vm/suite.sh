#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs inside the VM (tests/vm/run): every end-to-end kernel test binary,
# each printing TAP. Exits non-zero if any failed.
#   STK_SUITE_SKIP   space-separated test binaries to leave out
#   STK_SUITE_SHARD  "I/N": only every Nth binary, starting at the Ith
#                    (1-based), so N VMs can share the suite
rc=0
i=0
shard=${STK_SUITE_SHARD:-1/1}
shard_i=${shard%/*}
shard_n=${shard#*/}
echo "# kernel $(uname -r); lsm: $(cat /sys/kernel/security/lsm); shard $shard"
for t in /usr/local/bin/stk-test_*; do
	[ -x "$t" ] || continue
	case " ${STK_SUITE_SKIP:-} " in *" $(basename "$t") "*) continue ;; esac
	i=$((i + 1))
	[ $(((i - 1) % shard_n + 1)) -eq "$shard_i" ] || continue
	echo "# == $(basename "$t")"
	start=$(date +%s)
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" || rc=1
	# The agents' audit logs and stderr files of a finished binary: /tmp is
	# a tmpfs in RAM, and the probing tests write hundreds of MB of events.
	echo "# $(basename "$t"): $(($(date +%s) - start)) s; /tmp holds $(du -sk /tmp 2>/dev/null | cut -f1) kB"
	rm -f /tmp/ktest-*
done
exit $rc
