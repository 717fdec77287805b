/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the mmtwin kselftests. */
#ifndef _MMTWIN_SELFTEST_H
#define _MMTWIN_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/*
 * @pages 4 KiB pages of private anonymous memory, each written once so it
 * is mapped, and kept off THP so each stays a PTE of its own; NULL if the
 * mmap() fails.
 */
static inline char *map_prefaulted(size_t pages)
{
	const size_t pg = 4096;
	char *p = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, pages * pg, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		p[i * pg] = 1;
	return p;
}

/*
 * A test loads what it tests: modprobe @module (a no-op when it is loaded)
 * and check that /sys/module/@module exists. 0 on success, else -1; a test
 * fails on -1, it never skips.
 */
static inline int load_module(const char *module)
{
	char path[PATH_MAX];
	struct stat st;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("modprobe", "modprobe", module, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/module/%s", module);
	return stat(path, &st);
}

#endif /* _MMTWIN_SELFTEST_H */
