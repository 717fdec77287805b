// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_core as a user sees it: the roots exist with safe permissions, and
 * every twin listed in debugfs has both of its directories. The test loads
 * mmtwin_buddy, which every build has, so there is a twin to list.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define DEBUGFS_ROOT	"/sys/kernel/debug/mmtwin"
#define SYSFS_ROOT	"/sys/kernel/mmtwin"

FIXTURE(core) {};

FIXTURE_SETUP(core)
{
	ASSERT_EQ(0, load_module("mmtwin_core"));
	ASSERT_EQ(0, load_module("mmtwin_buddy"));
}

FIXTURE_TEARDOWN(core) {}

TEST_F(core, roots_exist)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEBUGFS_ROOT, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_EQ(0, stat(SYSFS_ROOT, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	/* sysfs is never world-writable. */
	EXPECT_EQ(0, st.st_mode & 0002);
}

TEST_F(core, twins_file_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEBUGFS_ROOT "/twins", &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

/*
 * Root may open a 0400 file for writing; debugfs has no write op for it, so
 * the write fails. Either way nothing is written.
 */
TEST_F(core, twins_file_is_read_only)
{
	int fd = open(DEBUGFS_ROOT "/twins", O_WRONLY);

	if (fd < 0) {
		EXPECT_TRUE(errno == EACCES || errno == EPERM) TH_LOG("open: %s", strerror(errno));
		return;
	}
	EXPECT_GT(0, write(fd, "x\n", 2));
	close(fd);
}

/* Each line of twins is "<name> <module>"; both directories must exist. */
TEST_F(core, each_twin_has_its_directories)
{
	char name[64], module[64], path[256];
	int twins = 0, buddy = 0;
	struct stat st;
	FILE *f;

	f = fopen(DEBUGFS_ROOT "/twins", "r");
	ASSERT_NE(NULL, f) TH_LOG("open twins: %s", strerror(errno));
	while (fscanf(f, "%63s %63s", name, module) == 2) {
		snprintf(path, sizeof(path), DEBUGFS_ROOT "/%s", name);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("missing %s", path);
		snprintf(path, sizeof(path), SYSFS_ROOT "/%s", name);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("missing %s", path);
		snprintf(path, sizeof(path), "/sys/module/%s", module);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("missing %s", path);
		buddy |= !strcmp(name, "buddy") && !strcmp(module, "mmtwin_buddy");
		twins++;
	}
	EXPECT_TRUE(feof(f)) TH_LOG("twins has a line that is not '<name> <module>'");
	fclose(f);
	EXPECT_TRUE(buddy) TH_LOG("mmtwin_buddy is loaded but not listed");
	EXPECT_LE(1, twins);
}

TEST_HARNESS_MAIN
