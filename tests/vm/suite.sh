#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs inside the VM (tests/vm/run): every end-to-end kernel test binary,
# each printing TAP. Exits non-zero if any failed.
rc=0
echo "# kernel $(uname -r); lsm: $(cat /sys/kernel/security/lsm)"
for t in /usr/local/bin/stk-test_*; do
	[ -x "$t" ] || continue
	# STK_SUITE_SKIP: space-separated test binaries to leave out.
	case " ${STK_SUITE_SKIP:-} " in *" $(basename "$t") "*) continue ;; esac
	echo "# == $(basename "$t")"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" || rc=1
done
exit $rc
