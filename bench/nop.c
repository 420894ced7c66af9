// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nop.c - the small static binary whose execve the benchmarks time. */
int main(void)
{
	return 0;
}
