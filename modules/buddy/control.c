// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs control: allocate and free twin pages from a shell.
 *
 *   alloc <tag> <nr> <order> <unmovable|movable|reclaimable>
 *   free <tag>
 *   free_all
 *   drain
 *
 * A request is done whole or not at all: a failed alloc frees what it got.
 * Errors: -EINVAL (syntax, bad tag or type), -ERANGE (order above
 * MAX_PAGE_ORDER, or more pages than the arena holds), -EEXIST (tag in
 * use), -ENOENT (no such tag), -ENOMEM (the twin ran out).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <mmtwin/core.h>

#include "glue.h"

#define TAG_MAX		31
#define CMD_MAX		127
#define CONTROL_GFP	(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)

struct control_tag {
	struct list_head node;
	char name[TAG_MAX + 1];
	unsigned int order;
	int mt;
	unsigned long nr;
	struct mmtwin_frame **frames;
};

static LIST_HEAD(tags);
static DEFINE_MUTEX(control_lock);

static const char * const mt_words[MMTWIN_MT_PCPTYPES] = {
	"unmovable", "movable", "reclaimable",
};

static const gfp_t mt_gfp[MMTWIN_MT_PCPTYPES] = {
	0, __GFP_MOVABLE, __GFP_RECLAIMABLE,
};

static struct control_tag *find_tag(const char *name)
{
	struct control_tag *t;

	list_for_each_entry(t, &tags, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void free_tag(struct control_tag *t)
{
	unsigned long i;

	for (i = 0; i < t->nr; i++)
		if (t->frames[i])
			buddy_free(mmtwin_buddy, t->frames[i], t->order);
	kvfree(t->frames);
	kfree(t);
}

static bool tag_valid(const char *s)
{
	size_t len = strlen(s);

	return len && len <= TAG_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

static unsigned long arena_pages(void)
{
	return mmtwin_buddy->nr_chunks << MAX_PAGE_ORDER;
}

static int parse_alloc(char *args, struct control_tag *t)
{
	char *name = strsep(&args, " "), *nr = strsep(&args, " ");
	char *order = strsep(&args, " "), *mt = strsep(&args, " ");
	int ret;

	if (!name || !nr || !order || !mt || args || !tag_valid(name))
		return -EINVAL;
	strscpy(t->name, name, sizeof(t->name));
	ret = kstrtoul(nr, 10, &t->nr);
	if (ret)
		return ret;
	ret = kstrtouint(order, 10, &t->order);
	if (ret)
		return ret;
	t->mt = match_string(mt_words, ARRAY_SIZE(mt_words), mt);
	if (t->mt < 0 || !t->nr)
		return -EINVAL;
	if (t->order > MAX_PAGE_ORDER || t->nr > arena_pages() >> t->order)
		return -ERANGE;
	return 0;
}

static int control_alloc(char *args)
{
	struct control_tag *t;
	unsigned long i;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	ret = parse_alloc(args, t);
	if (ret)
		goto free;
	if (find_tag(t->name)) {
		ret = -EEXIST;
		goto free;
	}
	t->frames = kvcalloc(t->nr, sizeof(*t->frames), GFP_KERNEL);
	if (!t->frames) {
		ret = -ENOMEM;
		goto free;
	}
	for (i = 0; i < t->nr; i++) {
		t->frames[i] = buddy_alloc(mmtwin_buddy,
					   CONTROL_GFP | mt_gfp[t->mt], t->order);
		if (!t->frames[i]) {
			free_tag(t);
			return -ENOMEM;
		}
		cond_resched();
	}
	list_add_tail(&t->node, &tags);
	return 0;
free:
	kfree(t);
	return ret;
}

static int control_free(char *args)
{
	struct control_tag *t;

	if (!args || strchr(args, ' '))
		return -EINVAL;
	t = find_tag(args);
	if (!t)
		return -ENOENT;
	list_del(&t->node);
	free_tag(t);
	return 0;
}

void mmtwin_buddy_control_free_all(void)
{
	struct control_tag *t, *next;

	mutex_lock(&control_lock);
	list_for_each_entry_safe(t, next, &tags, node) {
		list_del(&t->node);
		free_tag(t);
	}
	mutex_unlock(&control_lock);
}

/* One command; surrounding blanks are ignored. */
int mmtwin_buddy_control(const char *cmd)
{
	char *buf, *args, *word;
	int ret = -EINVAL;

	buf = kstrdup(cmd, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	args = strim(buf);
	word = strsep(&args, " ");
	mutex_lock(&control_lock);
	if (!strcmp(word, "alloc") && args)
		ret = control_alloc(args);
	else if (!strcmp(word, "free"))
		ret = control_free(args);
	else if (!strcmp(word, "free_all") && !args)
		ret = 0;
	else if (!strcmp(word, "drain") && !args)
		ret = 0;
	mutex_unlock(&control_lock);
	if (!ret && !strcmp(word, "free_all"))
		mmtwin_buddy_control_free_all();
	if (!ret && !strcmp(word, "drain"))
		buddy_drain_all(mmtwin_buddy);
	kfree(buf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmtwin_buddy_control);

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char *buf = mmtwin_copy_command(ubuf, len, CMD_MAX);
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = mmtwin_buddy_control(buf);
	kfree(buf);
	return ret ? ret : len;
}

/* Reading lists the tags: "<tag> <nr> <order> <type>". */
static int control_show(struct seq_file *m, void *v)
{
	struct control_tag *t;

	mutex_lock(&control_lock);
	list_for_each_entry(t, &tags, node)
		seq_printf(m, "%s %lu %u %s\n", t->name, t->nr, t->order,
			   mt_words[t->mt]);
	mutex_unlock(&control_lock);
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, NULL);
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.open = control_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = control_write,
};

void mmtwin_buddy_control_init(struct dentry *dir)
{
	debugfs_create_file("control", 0600, dir, NULL, &control_fops);
}
