// SPDX-License-Identifier: GPL-2.0
/*
 * Lockdown and the walker's files. "kernel" shows kernel addresses and
 * must be refused once the kernel is locked down, at the integrity level
 * and above; debugfs lets read-only files through at that level, so the
 * twin checks security_locked_down() itself. "request" and "pagemap" are
 * writable, which debugfs refuses on its own. "walk" and "totals" show
 * what /proc/PID/pagemap shows, which lockdown leaves alone.
 *
 * Lockdown cannot be lifted: the test VM's job runs this program after
 * every other kselftest (tools/vm/guest/check.sh), and only module
 * unloads come after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define DIR		"/sys/kernel/debug/mmtwin/pgwalk"
#define SECURITYFS	"/sys/kernel/security"
#define LOCKDOWN	SECURITYFS "/lockdown"

/* 0 if @path opens for reading and gives a byte, else the errno. */
static int read_errno(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY), err = 0;

	if (fd < 0)
		return errno;
	if (read(fd, &c, 1) != 1)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* The selected level, "none", "integrity" or "confidentiality". */
static int lockdown_level(char *buf, size_t size)
{
	FILE *f = fopen(LOCKDOWN, "r");
	char *open_br, *close_br;
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	open_br = ok ? strchr(buf, '[') : NULL;
	close_br = open_br ? strchr(open_br, ']') : NULL;
	if (!close_br)
		return -1;
	*close_br = '\0';
	memmove(buf, open_br + 1, strlen(open_br + 1) + 1);
	return 0;
}

TEST(kernel_refused_under_lockdown)
{
	char level[128], req[64];

	ASSERT_EQ(0, load_module("mmtwin_pgwalk"));
	if (access(LOCKDOWN, F_OK) && !access(SECURITYFS, F_OK))
		mount("securityfs", SECURITYFS, "securityfs", 0, NULL);
	if (access(LOCKDOWN, F_OK))
		SKIP(return, "no %s (CONFIG_SECURITY_LOCKDOWN_LSM)", LOCKDOWN);
	ASSERT_EQ(0, lockdown_level(level, sizeof(level)));
	/* Not locked yet: the refusal below is lockdown's doing. */
	ASSERT_STREQ("none", level);
	ASSERT_EQ(0, read_errno(DIR "/kernel"));
	snprintf(req, sizeof(req), "pid %d", getpid());
	ASSERT_EQ(0, write_file(DIR "/request", req));
	ASSERT_EQ(0, read_errno(DIR "/totals"));

	ASSERT_EQ(0, write_file(LOCKDOWN, "integrity"));
	ASSERT_EQ(0, lockdown_level(level, sizeof(level)));
	ASSERT_STREQ("integrity", level);
	EXPECT_EQ(EPERM, read_errno(DIR "/kernel"));
	EXPECT_EQ(EPERM, read_errno(DIR "/request"));
	EXPECT_EQ(EPERM, read_errno(DIR "/pagemap"));
	EXPECT_EQ(0, read_errno(DIR "/walk"));
	EXPECT_EQ(0, read_errno(DIR "/totals"));

	ASSERT_EQ(0, write_file(LOCKDOWN, "confidentiality"));
	EXPECT_EQ(EPERM, read_errno(DIR "/kernel"));
	EXPECT_EQ(0, read_errno(DIR "/totals"));
}

TEST_HARNESS_MAIN
