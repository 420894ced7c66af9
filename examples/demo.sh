#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The demo, run inside the VM by "make demo": start stockade with
# examples/demo.json, try what the policy denies and what it allows, and
# show the audit log that resulted.
set -u
LOG=/var/log/stockade/audit.log

echo 'root:$6$demo$hash:19000:0:99999:7:::' > /etc/shadow
chmod 0640 /etc/shadow
mkdir -p /srv/secrets && echo "db-password" > /srv/secrets/db.key

echo "### starting: stockade run --policy /src/examples/demo.json"
rm -f /tmp/agent.err
stockade run --policy /src/examples/demo.json --audit-log $LOG --no-syslog 2>/tmp/agent.err &
agent=$!
i=0
until grep -q enforcing /tmp/agent.err 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 1200 ] || ! kill -0 $agent 2>/dev/null; then
		cat /tmp/agent.err; echo "stockade did not start"; exit 1
	fi
	sleep 0.1
done
cat /tmp/agent.err

try() {
	echo "\$ $*"
	sh -c "$*" 2>&1 | sed 's/^/  /'
}
echo "### denied by the policy (expect 'Operation not permitted'):"
try cat /etc/shadow
try "echo hacked >> /srv/secrets/db.key"
ln -sf /etc/shadow /tmp/shadow-link
try cat /tmp/shadow-link
echo "### allowed:"
try cat /srv/secrets/db.key
try head -n 1 /etc/passwd

kill $agent
wait $agent
echo "### audit log ($LOG):"
cat $LOG
