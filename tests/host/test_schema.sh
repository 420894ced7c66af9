#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# docs/policy.schema.json agrees with stockade check on every example,
# packaged and fixture policy (tests/host/policy_schema.py). Prints TAP.
# Needs python3-jsonschema (packaging/build-deps.txt): the first python3 on
# PATH that has it, else Debian's own.
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import jsonschema' 2>/dev/null; then
		exec "$py" "$(dirname "$0")/policy_schema.py"
	fi
done
echo "1..1"
echo "not ok 1 - python3 with the jsonschema module (apt-get install python3-jsonschema)"
exit 1
