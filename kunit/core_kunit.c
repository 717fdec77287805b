// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for mmtwin_core: name rules, registration, and the debugfs and
 * sysfs directories a twin gets.
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/kobject.h>
#include <linux/module.h>

#include <mmtwin/compat.h>
#include "../modules/core/internal.h"

static void name_rules(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mmtwin_twin_name_valid("buddy"));
	KUNIT_EXPECT_TRUE(test, mmtwin_twin_name_valid("slab_2"));
	KUNIT_EXPECT_FALSE(test, mmtwin_twin_name_valid(NULL));
	KUNIT_EXPECT_FALSE(test, mmtwin_twin_name_valid(""));
	KUNIT_EXPECT_FALSE(test, mmtwin_twin_name_valid("Buddy"));
	KUNIT_EXPECT_FALSE(test, mmtwin_twin_name_valid("../buddy"));
	KUNIT_EXPECT_FALSE(test, mmtwin_twin_name_valid("a b"));
	KUNIT_EXPECT_TRUE(test,
		mmtwin_twin_name_valid("abcdefghijklmnopqrstuvwxyz012345"));
	KUNIT_EXPECT_FALSE(test,
		mmtwin_twin_name_valid("abcdefghijklmnopqrstuvwxyz0123456"));
}

static void register_creates_dirs(struct kunit *test)
{
	struct mmtwin_twin twin = { .name = "kunit_probe", .owner = THIS_MODULE };
	struct dentry *d;

	KUNIT_ASSERT_EQ(test, mmtwin_twin_register(&twin), 0);
	KUNIT_EXPECT_NOT_NULL(test, twin.kobj);
	KUNIT_EXPECT_PTR_EQ(test, twin.kobj->parent, mmtwin_sysfs_root());
	KUNIT_EXPECT_STREQ(test, kobject_name(twin.kobj), "kunit_probe");

	d = debugfs_lookup("kunit_probe", mmtwin_debugfs_root());
	KUNIT_EXPECT_FALSE(test, IS_ERR_OR_NULL(d));
	KUNIT_EXPECT_PTR_EQ(test, d, twin.debugfs_dir);
	dput(d);

	mmtwin_twin_unregister(&twin);
	KUNIT_EXPECT_NULL(test, twin.kobj);
	d = debugfs_lookup("kunit_probe", mmtwin_debugfs_root());
	KUNIT_EXPECT_NULL(test, d);
	dput(d);
}

static void register_rejects_bad_and_duplicate(struct kunit *test)
{
	struct mmtwin_twin a = { .name = "kunit_dup", .owner = THIS_MODULE };
	struct mmtwin_twin b = { .name = "kunit_dup", .owner = THIS_MODULE };
	struct mmtwin_twin bad = { .name = "no/slash", .owner = THIS_MODULE };

	KUNIT_EXPECT_EQ(test, mmtwin_twin_register(&bad), -EINVAL);
	KUNIT_ASSERT_EQ(test, mmtwin_twin_register(&a), 0);
	KUNIT_EXPECT_EQ(test, mmtwin_twin_register(&b), -EEXIST);
	mmtwin_twin_unregister(&a);
	/* The name is free again once its owner is gone. */
	KUNIT_EXPECT_EQ(test, mmtwin_twin_register(&b), 0);
	mmtwin_twin_unregister(&b);
}

static struct kunit_case mmtwin_core_cases[] = {
	KUNIT_CASE(name_rules),
	KUNIT_CASE(register_creates_dirs),
	KUNIT_CASE(register_rejects_bad_and_duplicate),
	{}
};

static struct kunit_suite mmtwin_core_suite = {
	.name = "mmtwin_core",
	.test_cases = mmtwin_core_cases,
};
kunit_test_suite(mmtwin_core_suite);

MODULE_DESCRIPTION("KUnit tests for mmtwin_core");
MODULE_LICENSE("GPL");
MMTWIN_IMPORT_KUNIT_NS();
