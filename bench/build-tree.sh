#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# bench/build-tree.sh DIR - stages what the "build" workload needs into DIR,
# a tree that tests/vm/run copies into the bench VM's root
# (STK_VM_EXTRA_TREE): a C compiler (tcc: small enough for an initramfs,
# and a real compiler, assembler and linker), GNU make, the C library's
# headers and start files the project uses, and the project itself in
# /opt/bench-project: 16 modules and a main program, built with make.
# Everything is copied at its host path, so tcc finds it where it looks.
set -euo pipefail
dir=$1
multiarch=/usr/lib/x86_64-linux-gnu
for tool in /usr/bin/tcc /usr/bin/make; do
	[[ -x $tool ]] || { echo "build-tree: $tool missing (packaging/build-deps.txt)" >&2; exit 1; }
done
rm -rf "$dir"
mkdir -p "$dir"

stage() { # FILE: copied at its own path, symlinks followed
	[[ -e $dir$1 ]] && return 0
	mkdir -p "$dir$(dirname "$1")"
	cp -L "$1" "$dir$1"
}
stage_executable() { # FILE: and the shared libraries it loads
	local lib
	stage "$1"
	while read -r lib; do
		[[ -n $lib ]] && stage "$lib"
	done < <(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

stage_executable /usr/bin/tcc
stage_executable /usr/bin/make
mkdir -p "$dir$multiarch"
cp -a "$multiarch/tcc" "$dir$multiarch/"
# Linking: the start files, and libc.so (a link script naming these).
for f in crt1.o crti.o crtn.o libc.so libc_nonshared.a; do
	stage "$multiarch/$f"
done
stage /lib/x86_64-linux-gnu/libc.so.6
stage /lib64/ld-linux-x86-64.so.2

# The project: modules with string and number handling, and a main program.
proj=$dir/opt/bench-project
mkdir -p "$proj"
for i in $(seq 0 15); do
	cat >"$proj/mod$i.c" <<MOD
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mods.h"

/* A few lines of ordinary code for the compiler to chew on. */
static int cmp$i(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

long mod$i(const char *text)
{
	char buf[256], *words[32], *save = NULL, *w;
	size_t n = 0, i;
	long sum = $i;

	snprintf(buf, sizeof(buf), "%s %d", text, $i);
	for (w = strtok_r(buf, " ", &save); w && n < 32; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(words[0]), cmp$i);
	for (i = 0; i < n; i++)
		sum = sum * 31 + (long)strlen(words[i]) + strtol(words[i], NULL, 10);
	return sum;
}
MOD
done
{
	echo "#ifndef MODS_H"
	echo "#define MODS_H"
	for i in $(seq 0 15); do echo "long mod$i(const char *text);"; done
	echo "#endif"
} >"$proj/mods.h"
{
	echo '#include <stdio.h>'
	echo '#include "mods.h"'
	echo 'int main(void)'
	echo '{'
	echo '	long sum = 0;'
	for i in $(seq 0 15); do echo "	sum += mod$i(\"the quick brown fox jumps over the lazy dog\");"; done
	echo '	printf("%ld\n", sum);'
	echo '	return 0;'
	echo '}'
} >"$proj/main.c"
cat >"$proj/Makefile" <<'MK'
CC = tcc
OBJS = $(patsubst %.c,%.o,$(wildcard mod*.c)) main.o

all: app
app: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c mods.h
	$(CC) -O2 -Wall -c -o $@ $<
clean:
	rm -f app *.o
.PHONY: all clean
MK
# The headers and files tcc opens to build the project here (tcc -MD does
# not list system headers): strace shows them, exactly.
(cd "$proj" && strace -f -qq -e trace=openat,open -o ../files.trace make -s >/dev/null)
grep -v ENOENT "$proj/../files.trace" | grep -o '"/[^"]*"' | tr -d '"' | sort -u |
	while read -r f; do
		[[ -f $f ]] && [[ $f != /proc/* && $f != /etc/* && $f != "$dir"/* ]] && stage "$f"
	done
rm -f "$proj/../files.trace"
make -s -C "$proj" clean
# It builds and runs here: the VM gets a tree that works.
make -s -C "$proj" >/dev/null
"$proj/app" >/dev/null
make -s -C "$proj" clean
