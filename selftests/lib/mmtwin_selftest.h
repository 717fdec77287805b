/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the mmtwin kselftests. */
#ifndef _MMTWIN_SELFTEST_H
#define _MMTWIN_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Writes @s to @path in one write(): 0, or -errno of the open or the write. */
static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

#endif /* _MMTWIN_SELFTEST_H */
