// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * alert_record.c - an alert command for test_sinks: records who ran it and
 * what came on stdin in /tmp/kt-sinks/out/alert.<pid> ("uid gid\n" then
 * stdin), written to a temporary name and renamed, so a file that exists is
 * complete.
 */
#include <stdio.h>
#include <unistd.h>

#define OUT "/tmp/kt-sinks/out"

int main(void)
{
	char tmp[128], dst[128], buf[65536];
	size_t n;
	FILE *f;

	snprintf(tmp, sizeof(tmp), OUT "/.alert.%d", (int)getpid());
	snprintf(dst, sizeof(dst), OUT "/alert.%d", (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "%u %u\n", (unsigned)getuid(), (unsigned)getgid());
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		fwrite(buf, 1, n, f);
	if (fclose(f))
		return 1;
	return rename(tmp, dst) ? 1 : 0;
}
