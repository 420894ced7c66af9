#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# stockade-entrypoint ARGS...: run "stockade ARGS" in the host's file tree.
#
# The agent resolves rule paths to inodes with stat() in its own mount
# namespace. In a container that is the image's tree: a rule on /etc/shadow
# would protect the image's copy, not the node's. So the agent runs chrooted
# into the node's root (hostPath / mounted at $HOST_ROOT, with
# mountPropagation HostToContainer), where every path, /sys/fs/bpf,
# /sys/kernel/security, /sys/fs/cgroup, /sys/kernel/btf and /var/log/stockade
# included, is the node's. The image's own root and the policies
# (a ConfigMap at /etc/stockade/policy.d) are bind-mounted below
# $HOST_ROOT/run/stockade, in this container's mount namespace only, and the
# binary runs with the image's dynamic loader and libraries, never the
# node's. Arguments naming /etc/stockade/policy.d are rewritten to the bound
# copy. Without $HOST_ROOT/proc, stockade runs as is.
set -eu
HOST_ROOT=${HOST_ROOT:-/host}
IMAGE=/run/stockade/image
POLICIES=/run/stockade/policy.d

if [ ! -d "$HOST_ROOT/proc" ]; then
	exec /usr/sbin/stockade "$@"
fi

mkdir -p "$HOST_ROOT$IMAGE" "$HOST_ROOT$POLICIES"
mountpoint -q "$HOST_ROOT$IMAGE" || mount --bind / "$HOST_ROOT$IMAGE"
mountpoint -q "$HOST_ROOT$POLICIES" || mount --bind /etc/stockade/policy.d "$HOST_ROOT$POLICIES"

loader=$(readlink -f /lib64/ld-linux-x86-64.so.2 2>/dev/null ||
	readlink -f /lib/ld-linux-aarch64.so.1)
libdir=$(dirname "$(readlink -f "$(ls /usr/lib/*/libbpf.so.1 | head -n 1)")")

# Rewrite the arguments that name the image's policy directory.
n=$#
i=0
while [ $i -lt $n ]; do
	a=$1
	shift
	case $a in
	/etc/stockade/policy.d*) a=$POLICIES${a#/etc/stockade/policy.d} ;;
	esac
	set -- "$@" "$a"
	i=$((i + 1))
done

exec chroot "$HOST_ROOT" "$IMAGE$loader" --inhibit-cache --library-path "$IMAGE$libdir" \
	"$IMAGE/usr/sbin/stockade" "$@"
