// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * true.c - a dynamically linked program that exits 0, for the exec tests:
 * unlike the static busybox, it can be run through the dynamic loader
 * ("ld.so BIN"), which maps it executable without an execve of its own.
 */
int main(void)
{
	return 0;
}
