// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_core as a user sees it: the roots exist with safe permissions, and
 * every twin listed in debugfs has both of its directories.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define DEBUGFS_ROOT	"/sys/kernel/debug/mmtwin"
#define SYSFS_ROOT	"/sys/kernel/mmtwin"

TEST(roots_exist)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEBUGFS_ROOT, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_EQ(0, stat(SYSFS_ROOT, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	/* sysfs is never world-writable. */
	EXPECT_EQ(0, st.st_mode & 0002);
}

TEST(twins_file_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEBUGFS_ROOT "/twins", &st));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST(twins_file_is_read_only)
{
	FILE *f = fopen(DEBUGFS_ROOT "/twins", "w");

	/* root may open 0400 files for writing, but debugfs has no write op. */
	if (f) {
		errno = 0;
		fputs("x\n", f);
		EXPECT_NE(0, fclose(f));
	}
}

/* Each line of twins is "<name> <module>"; both directories must exist. */
TEST(each_twin_has_its_directories)
{
	char name[64], module[64], path[256];
	struct stat st;
	FILE *f;
	int twins = 0;

	f = fopen(DEBUGFS_ROOT "/twins", "r");
	ASSERT_NE(NULL, f);
	while (fscanf(f, "%63s %63s", name, module) == 2) {
		snprintf(path, sizeof(path), DEBUGFS_ROOT "/%s", name);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("missing %s", path);
		snprintf(path, sizeof(path), SYSFS_ROOT "/%s", name);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("missing %s", path);
		snprintf(path, sizeof(path), "/sys/module/%s", module);
		EXPECT_EQ(0, stat(path, &st)) TH_LOG("missing %s", path);
		twins++;
	}
	fclose(f);
	TH_LOG("%d twins registered", twins);
}

TEST_HARNESS_MAIN
