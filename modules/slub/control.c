// SPDX-License-Identifier: GPL-2.0
/*
 * The control file: test caches and tagged objects from a shell.
 *
 *   create <cache> <size> [align=<n>] [debug=<FZPUT>] [hwcache] [reclaim]
 *          [rcu] [ctor] [hardened] [random]
 *   destroy <cache>                only caches made here, with no tags
 *   alloc <tag> <cache> <nr>       nr objects of any twin cache
 *   kmalloc <tag> <size> <nr>      nr mmtwin_kmalloc(size) objects
 *   free <tag>
 *   free_all
 *
 * A request is done whole or not at all. Errors: -EINVAL (syntax, bad
 * name, flag or size), -ERANGE (nr above CONTROL_MAX_OBJECTS), -EEXIST
 * (name or tag in use), -ENOENT (no such cache or tag), -EBUSY (cache
 * has tags or was not made here), -ENOMEM.
 */
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

#define TAG_MAX			31
#define CONTROL_MAX_OBJECTS	65536
#define CONTROL_GFP		(GFP_KERNEL | __GFP_NOWARN)

struct control_cache {
	struct list_head node;
	struct mmtwin_kmem_cache *s;
	unsigned int tags;
};

struct control_tag {
	struct list_head node;
	char name[TAG_MAX + 1];
	struct control_cache *cc;	/* NULL: kmalloc, or not made here */
	struct mmtwin_kmem_cache *s;	/* NULL: kmalloc */
	unsigned long nr;
	void **objects;
};

static LIST_HEAD(control_caches);
static LIST_HEAD(control_tags);
static DEFINE_MUTEX(control_lock);

static bool word_valid(const char *s)
{
	size_t len = strlen(s);

	return len && len <= TAG_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

static struct control_tag *find_tag(const char *name)
{
	struct control_tag *t;

	list_for_each_entry(t, &control_tags, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static struct control_cache *find_control_cache(struct mmtwin_kmem_cache *s)
{
	struct control_cache *cc;

	list_for_each_entry(cc, &control_caches, node)
		if (cc->s == s)
			return cc;
	return NULL;
}

/* Any twin cache by name; the list lock covers only the lookup. */
static struct mmtwin_kmem_cache *lookup_cache(const char *name)
{
	struct mmtwin_kmem_cache *s, *found = NULL;

	mutex_lock(&slub_caches_lock);
	list_for_each_entry(s, &slub_caches, list)
		if (!strcmp(s->name, name))
			found = s;
	mutex_unlock(&slub_caches_lock);
	return found;
}

static const struct {
	char letter;
	slab_flags_t flag;
} debug_letters[] = {
	{ 'F', SLAB_CONSISTENCY_CHECKS }, { 'Z', SLAB_RED_ZONE },
	{ 'P', SLAB_POISON }, { 'U', SLAB_STORE_USER }, { 'T', SLAB_TRACE },
};

/* slab_debug= letters, upper or lower case. */
static int parse_debug(const char *letters, slab_flags_t *flags)
{
	unsigned int i;

	for (; *letters; letters++) {
		for (i = 0; i < ARRAY_SIZE(debug_letters); i++)
			if (toupper(*letters) == debug_letters[i].letter)
				break;
		if (i == ARRAY_SIZE(debug_letters))
			return -EINVAL;
		*flags |= debug_letters[i].flag;
	}
	return 0;
}

/* The "ctor" option's constructor: the first byte zeroed (any size). */
static void control_ctor(void *object)
{
	*(u8 *)object = 0;
}

static int parse_option(char *word, unsigned int *align, slab_flags_t *flags,
			struct slub_options *opts, bool *ctor)
{
	if (str_has_prefix(word, "align="))
		return kstrtouint(word + 6, 10, align);
	if (str_has_prefix(word, "debug="))
		return parse_debug(word + 6, flags);
	if (!strcmp(word, "hwcache"))
		*flags |= SLAB_HWCACHE_ALIGN;
	else if (!strcmp(word, "reclaim"))
		*flags |= SLAB_RECLAIM_ACCOUNT;
	else if (!strcmp(word, "rcu"))
		*flags |= SLAB_TYPESAFE_BY_RCU;
	else if (!strcmp(word, "ctor"))
		*ctor = true;
	else if (!strcmp(word, "hardened"))
		opts->hardened = true;
	else if (!strcmp(word, "random"))
		opts->random = true;
	else
		return -EINVAL;
	return 0;
}

static int control_create(char *args)
{
	char *name = strsep(&args, " "), *size = strsep(&args, " "), *word;
	struct slub_options opts = { };
	slab_flags_t flags = SLAB_NO_MERGE;
	struct mmtwin_kmem_cache *s;
	struct control_cache *cc;
	unsigned int align = 0, bytes;
	bool ctor = false;
	int ret;

	if (!name || !size || !word_valid(name))
		return -EINVAL;
	ret = kstrtouint(size, 10, &bytes);
	while (!ret && (word = strsep(&args, " ")))
		ret = parse_option(word, &align, &flags, &opts, &ctor);
	if (ret)
		return ret;
	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return -ENOMEM;
	s = slub_cache_create(name, bytes, align, flags,
			      ctor ? control_ctor : NULL, &opts);
	if (IS_ERR(s)) {
		kfree(cc);
		return PTR_ERR(s);
	}
	cc->s = s;
	list_add_tail(&cc->node, &control_caches);
	return 0;
}

static int control_destroy(char *args)
{
	struct mmtwin_kmem_cache *s;
	struct control_cache *cc;

	if (!args || strchr(args, ' '))
		return -EINVAL;
	s = lookup_cache(args);
	if (!s)
		return -ENOENT;
	cc = find_control_cache(s);
	if (!cc || cc->tags)
		return -EBUSY;
	list_del(&cc->node);
	kfree(cc);
	mmtwin_kmem_cache_destroy(s);
	return 0;
}

static void free_tag(struct control_tag *t)
{
	unsigned long i;

	for (i = 0; i < t->nr; i++) {
		if (!t->objects[i])
			continue;
		if (t->s)
			mmtwin_kmem_cache_free(t->s, t->objects[i]);
		else
			mmtwin_kfree(t->objects[i]);
	}
	if (t->cc)
		t->cc->tags--;
	kvfree(t->objects);
	kfree(t);
}

/* Parse "<tag> <what> <nr>" into a new, empty tag. */
static struct control_tag *new_tag(char *args, char **what)
{
	char *name = strsep(&args, " "), *nr;
	struct control_tag *t;
	int ret;

	*what = strsep(&args, " ");
	nr = strsep(&args, " ");
	if (!name || !*what || !nr || args || !word_valid(name))
		return ERR_PTR(-EINVAL);
	if (find_tag(name))
		return ERR_PTR(-EEXIST);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	strscpy(t->name, name, sizeof(t->name));
	ret = kstrtoul(nr, 10, &t->nr);
	if (!ret && (!t->nr || t->nr > CONTROL_MAX_OBJECTS))
		ret = t->nr ? -ERANGE : -EINVAL;
	if (!ret) {
		t->objects = kvcalloc(t->nr, sizeof(void *), GFP_KERNEL);
		ret = t->objects ? 0 : -ENOMEM;
	}
	if (ret) {
		kfree(t);
		return ERR_PTR(ret);
	}
	return t;
}

static int fill_tag(struct control_tag *t, size_t size)
{
	unsigned long i;

	for (i = 0; i < t->nr; i++) {
		t->objects[i] = t->s ? mmtwin_kmem_cache_alloc(t->s, CONTROL_GFP) :
				       mmtwin_kmalloc(size, CONTROL_GFP);
		if (!t->objects[i])
			return -ENOMEM;
		cond_resched();
	}
	return 0;
}

static int control_alloc(char *args, bool kmalloc)
{
	struct control_tag *t;
	unsigned int size = 0;
	char *what;
	int ret;

	t = new_tag(args, &what);
	if (IS_ERR(t))
		return PTR_ERR(t);
	if (kmalloc) {
		ret = kstrtouint(what, 10, &size);
		if (!ret && !size)
			ret = -EINVAL;
		if (!ret && size > (PAGE_SIZE << MAX_PAGE_ORDER))
			ret = -ERANGE;
	} else {
		t->s = lookup_cache(what);
		ret = t->s ? 0 : -ENOENT;
		t->cc = t->s ? find_control_cache(t->s) : NULL;
		if (t->cc)
			t->cc->tags++;
	}
	if (!ret)
		ret = fill_tag(t, size);
	if (ret) {
		free_tag(t);
		return ret;
	}
	list_add_tail(&t->node, &control_tags);
	return 0;
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

static int free_all_tags(void)
{
	struct control_tag *t, *next;

	list_for_each_entry_safe(t, next, &control_tags, node) {
		list_del(&t->node);
		free_tag(t);
	}
	return 0;
}

/* On unload: every tag freed, every cache made here destroyed. */
void slub_control_free_all(void)
{
	struct control_cache *cc, *next;

	mutex_lock(&control_lock);
	free_all_tags();
	list_for_each_entry_safe(cc, next, &control_caches, node) {
		list_del(&cc->node);
		mmtwin_kmem_cache_destroy(cc->s);
		kfree(cc);
	}
	mutex_unlock(&control_lock);
}

/**
 * slub_control - run one control command
 * @cmd: the command; surrounding blanks are ignored
 *
 * Return: 0 or a negative errno, the state unchanged.
 */
int slub_control(const char *cmd)
{
	char *buf, *args, *word;
	int ret = -EINVAL;

	buf = kstrdup(cmd, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	args = strim(buf);
	word = strsep(&args, " ");
	mutex_lock(&control_lock);
	if (!strcmp(word, "create") && args)
		ret = control_create(args);
	else if (!strcmp(word, "destroy"))
		ret = control_destroy(args);
	else if (!strcmp(word, "alloc") && args)
		ret = control_alloc(args, false);
	else if (!strcmp(word, "kmalloc") && args)
		ret = control_alloc(args, true);
	else if (!strcmp(word, "free"))
		ret = control_free(args);
	else if (!strcmp(word, "free_all") && !args)
		ret = free_all_tags();
	mutex_unlock(&control_lock);
	kfree(buf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(slub_control);

/* Reading lists the tags: "<tag> <cache|kmalloc> <nr>". */
int slub_control_show(struct seq_file *m, void *v)
{
	struct control_tag *t;

	mutex_lock(&control_lock);
	list_for_each_entry(t, &control_tags, node)
		seq_printf(m, "%s %s %lu\n", t->name,
			   t->s ? t->s->name : "kmalloc", t->nr);
	mutex_unlock(&control_lock);
	return 0;
}
