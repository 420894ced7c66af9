#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Network rules on this host's own kernel, in a child cgroup the test makes
# and removes (tests/host/test_net.c). Prints TAP.
cd "$(dirname "$0")/../.."
exec "${OUTPUT:-build}/tests/host/test_net"
