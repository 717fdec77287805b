// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mmtwin/pgwalk/ (root only):
 *
 *   request  rw  "pid <pid>"                 the whole address space
 *                "pid <pid> <start> <end>"   [start, end)
 *                "pid <pid> addr <va>"       one address, level by level
 *   walk     r   the request as text: runs of entries, or the translation
 *   totals   r   counts of the request's walk (or of the whole space)
 *   pagemap  rw  /proc/PID/pagemap's records: pread() at vaddr / 4096 * 8;
 *                the target is the request's pid when opened, or the pid
 *                written to this open file ("<pid>" or "pid <pid>")
 *   kernel   r   the kernel's tables, laid out like page_tables/kernel
 *
 * Errors: bad syntax or a reversed/empty range -EINVAL, no such process
 * -ESRCH, a kernel thread -EINVAL (no user address space), a range beyond
 * the user address space -EINVAL. See Documentation/pgwalk.rst.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "internal.h"
#include "pgwalk.h"
#include "trace.h"

enum req_mode { REQ_NONE, REQ_ALL, REQ_RANGE, REQ_ADDR };

struct pgw_request {
	struct pid *pid;
	enum req_mode mode;
	unsigned long start, end;	/* REQ_RANGE; REQ_ADDR: start only */
};

static DEFINE_MUTEX(req_lock);
static struct pgw_request req;

/* Records per chunk of a pagemap read: 32 MiB of address space. */
#define PM_CHUNK	8192

static int walk_traced(struct pgw_walk *w, struct pid *pid)
{
	int err;
	unsigned long tables;

	trace_mmtwin_pgwalk_start(pid_nr(pid), w->start, w->end);
	err = pgw_walk_range(w);
	tables = w->totals.tables[PGW_PTE] + w->totals.tables[PGW_PMD] +
		 w->totals.tables[PGW_PUD] + w->totals.tables[PGW_P4D];
	trace_mmtwin_pgwalk_end(pid_nr(pid), w->totals.pages,
				w->totals.present, w->totals.swap,
				w->totals.anon_pmd + w->totals.file_pmd,
				tables, w->totals.ns, err);
	return err;
}

/* Parsing: "pid N", "pid N START END", "pid N addr VA". */
static int parse_request(char *s, struct pgw_request *r, int *nr)
{
	char *tok[5];
	int n = 0;
	char *p;

	while ((p = strsep(&s, " \t\n")) != NULL) {
		if (!*p)
			continue;
		if (n == ARRAY_SIZE(tok))
			return -EINVAL;
		tok[n++] = p;
	}
	if (n < 2 || strcmp(tok[0], "pid") || kstrtoint(tok[1], 10, nr) ||
	    *nr <= 0)
		return -EINVAL;
	switch (n) {
	case 2:
		r->mode = REQ_ALL;
		return 0;
	case 4:
		if (!strcmp(tok[2], "addr")) {
			r->mode = REQ_ADDR;
			return kstrtoul(tok[3], 0, &r->start);
		}
		r->mode = REQ_RANGE;
		if (kstrtoul(tok[2], 0, &r->start) || kstrtoul(tok[3], 0, &r->end))
			return -EINVAL;
		r->start = round_down(r->start, PAGE_SIZE);
		r->end = round_up(r->end, PAGE_SIZE);
		if (r->end <= r->start || r->end > TASK_SIZE_MAX)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A struct pid for @nr that has a user address space, or an errno. */
static struct pid *user_pid(int nr)
{
	struct pid *pid = find_get_pid(nr);
	struct mm_struct *mm;

	if (!pid)
		return ERR_PTR(-ESRCH);
	mm = pgw_get_mm(pid);
	if (IS_ERR(mm)) {
		put_pid(pid);
		return ERR_CAST(mm);
	}
	mmput(mm);
	return pid;
}

static ssize_t request_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct pgw_request r = {};
	struct pid *pid;
	char *buf;
	int nr, err;

	if (count > 128)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = parse_request(buf, &r, &nr);
	kfree(buf);
	if (err)
		return -EINVAL;
	if (r.mode == REQ_ADDR && r.start >= TASK_SIZE_MAX)
		return -EINVAL;
	pid = user_pid(nr);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	r.pid = pid;

	mutex_lock(&req_lock);
	put_pid(req.pid);
	req = r;
	mutex_unlock(&req_lock);
	return count;
}

static int request_show(struct seq_file *m, void *unused)
{
	mutex_lock(&req_lock);
	switch (req.mode) {
	case REQ_NONE:
		seq_puts(m, "none\n");
		break;
	case REQ_ALL:
		seq_printf(m, "pid %d\n", pid_nr(req.pid));
		break;
	case REQ_RANGE:
		seq_printf(m, "pid %d 0x%lx 0x%lx\n", pid_nr(req.pid),
			   req.start, req.end);
		break;
	case REQ_ADDR:
		seq_printf(m, "pid %d addr 0x%lx\n", pid_nr(req.pid), req.start);
		break;
	}
	mutex_unlock(&req_lock);
	return 0;
}

static int request_open(struct inode *inode, struct file *file)
{
	return single_open(file, request_show, NULL);
}

static const struct file_operations request_fops = {
	.owner		= THIS_MODULE,
	.open		= request_open,
	.read		= seq_read,
	.write		= request_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* The current request, with its own pid reference; -ENOENT if none. */
static int get_request(struct pgw_request *r)
{
	mutex_lock(&req_lock);
	*r = req;
	if (r->pid)
		get_pid(r->pid);
	mutex_unlock(&req_lock);
	return r->mode == REQ_NONE ? -ENOENT : 0;
}

/*
 * The current request and its target's mm, with a reference on each; the
 * caller puts r->pid whatever this returns, and the mm when it is one.
 */
static struct mm_struct *get_request_mm(struct pgw_request *r)
{
	int err = get_request(r);

	return err ? ERR_PTR(err) : pgw_get_mm(r->pid);
}

static void request_bounds(struct pgw_request *r, struct mm_struct *mm,
			   unsigned long *start, unsigned long *end)
{
	if (r->mode == REQ_RANGE) {
		*start = min(r->start, mm->task_size);
		*end = min(r->end, mm->task_size);
	} else {
		*start = 0;
		*end = mm->task_size & PAGE_MASK;
	}
}

/* "pid N addr VA": the translation, level by level. */
static int show_translation(struct seq_file *m, struct pgw_request *r,
			    struct mm_struct *mm)
{
	struct pgw_xlate *x = kmalloc(sizeof(*x), GFP_KERNEL);
	int err;

	if (!x)
		return -ENOMEM;
	err = mmap_read_lock_killable(mm);
	if (!err) {
		err = pgw_translate(mm, r->start, x);
		mmap_read_unlock(mm);
	}
	if (!err) {
		seq_printf(m, "pid %d\n", pid_nr(r->pid));
		pgw_show_xlate(m, x);
	}
	kfree(x);
	return err;
}

/* A range: runs of like entries, one line each. */
static int show_runs(struct seq_file *m, struct pgw_request *r,
		     struct mm_struct *mm)
{
	struct pgw_walk w = { .mm = mm, .visit = pgw_text_visit };
	int err;

	request_bounds(r, mm, &w.start, &w.end);
	w.priv = pgw_text_begin(m);
	if (!w.priv)
		return -ENOMEM;
	seq_printf(m, "pid %d range 0x%016lx-0x%016lx\n", pid_nr(r->pid),
		   w.start, w.end);
	err = mmap_read_lock_killable(mm);
	if (!err) {
		err = walk_traced(&w, r->pid);
		mmap_read_unlock(mm);
	}
	pgw_text_end(w.priv);
	/* seq_read() retries with a bigger buffer on overflow. */
	return err == -EOVERFLOW ? 0 : err;
}

static int walk_show(struct seq_file *m, void *unused)
{
	struct pgw_request r;
	struct mm_struct *mm;
	int err;

	mm = get_request_mm(&r);
	err = PTR_ERR_OR_ZERO(mm);
	if (err)
		goto out;
	if (r.mode == REQ_ADDR)
		err = show_translation(m, &r, mm);
	else
		err = show_runs(m, &r, mm);
	mmput(mm);
out:
	put_pid(r.pid);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(walk);

static int totals_show(struct seq_file *m, void *unused)
{
	struct pgw_request r;
	struct pgw_walk w = {};
	struct mm_struct *mm;
	int err;

	mm = get_request_mm(&r);
	err = PTR_ERR_OR_ZERO(mm);
	if (err)
		goto out;
	w.mm = mm;
	request_bounds(&r, mm, &w.start, &w.end);
	err = mmap_read_lock_killable(mm);
	if (!err) {
		err = walk_traced(&w, r.pid);
		mmap_read_unlock(mm);
	}
	if (!err) {
		seq_printf(m, "pid %d\n", pid_nr(r.pid));
		pgw_show_totals(m, &w);
	}
	mmput(mm);
out:
	put_pid(r.pid);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(totals);

/* pagemap: one target per open file. */
struct pm_file {
	struct mutex lock;
	struct pid *pid;
};

static int pagemap_open(struct inode *inode, struct file *file)
{
	struct pm_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	mutex_lock(&req_lock);
	pf->pid = get_pid(req.pid);
	mutex_unlock(&req_lock);
	file->private_data = pf;
	return 0;
}

static int pagemap_release(struct inode *inode, struct file *file)
{
	struct pm_file *pf = file->private_data;

	put_pid(pf->pid);
	mutex_destroy(&pf->lock);
	kfree(pf);
	return 0;
}

static ssize_t pagemap_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct pm_file *pf = file->private_data;
	char buf[32], *s = buf;
	struct pid *pid;
	int nr;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	s = strim(buf);
	if (!strncmp(s, "pid", 3) && isspace(s[3]))
		s = skip_spaces(s + 3);
	if (kstrtoint(s, 10, &nr) || nr <= 0)
		return -EINVAL;
	pid = user_pid(nr);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	mutex_lock(&pf->lock);
	put_pid(pf->pid);
	pf->pid = pid;
	mutex_unlock(&pf->lock);
	return count;
}

/* [start, end) of a read at @pos of @count bytes, as pagemap_read() does. */
static void pagemap_bounds(struct mm_struct *mm, loff_t pos, size_t count,
			   unsigned long *startp, unsigned long *endp)
{
	unsigned long svpfn = pos / sizeof(u64);
	unsigned long start, end = mm->task_size;

	start = end;
	if (svpfn <= (ULONG_MAX >> PAGE_SHIFT)) {
		unsigned long e;

		start = svpfn << PAGE_SHIFT;
		e = start + ((count / sizeof(u64)) << PAGE_SHIFT);
		if (e >= start && e < mm->task_size)
			end = e;
	}
	if (start > mm->task_size)
		start = end;
	*startp = start;
	*endp = end;
}

static ssize_t pagemap_chunks(struct mm_struct *mm, struct pid *pid,
			      char __user *buf, size_t count,
			      unsigned long start, unsigned long end, u64 *pm)
{
	ssize_t copied = 0;
	int err = 0;

	while (count && start < end) {
		struct pgw_walk w = { .mm = mm, .start = start, .pm = pm };
		size_t len;

		w.end = start + PM_CHUNK * PAGE_SIZE;
		if (w.end < start || w.end > end)
			w.end = end;
		err = mmap_read_lock_killable(mm);
		if (err)
			break;
		err = walk_traced(&w, pid);
		mmap_read_unlock(mm);
		if (err)
			break;
		len = min(count, ((w.end - start) >> PAGE_SHIFT) * sizeof(u64));
		if (copy_to_user(buf, pm, len)) {
			err = -EFAULT;
			break;
		}
		copied += len;
		buf += len;
		count -= len;
		start = w.end;
	}
	return copied ? copied : err;
}

static ssize_t pagemap_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct pm_file *pf = file->private_data;
	unsigned long start, end;
	struct mm_struct *mm;
	struct pid *pid;
	ssize_t ret;
	u64 *pm;

	mutex_lock(&pf->lock);
	pid = get_pid(pf->pid);
	mutex_unlock(&pf->lock);
	if (!pid)
		return -EINVAL;
	mm = pgw_get_mm(pid);
	ret = PTR_ERR_OR_ZERO(mm);
	if (ret)
		goto out_pid;
	ret = -EINVAL;
	if ((*ppos % sizeof(u64)) || (count % sizeof(u64)))
		goto out_mm;
	ret = 0;
	if (!count)
		goto out_mm;
	ret = -ENOMEM;
	pm = kvmalloc_array(PM_CHUNK, sizeof(u64), GFP_KERNEL);
	if (!pm)
		goto out_mm;
	pagemap_bounds(mm, *ppos, count, &start, &end);
	ret = pagemap_chunks(mm, pid, buf, count, start, end, pm);
	if (ret > 0)
		*ppos += ret;
	kvfree(pm);
out_mm:
	mmput(mm);
out_pid:
	put_pid(pid);
	return ret;
}

static const struct file_operations pagemap_fops = {
	.owner		= THIS_MODULE,
	.open		= pagemap_open,
	.read		= pagemap_read,
	.write		= pagemap_write,
	.llseek		= default_llseek,
	.release	= pagemap_release,
};

static int kernel_show(struct seq_file *m, void *unused)
{
	return pgw_kernel_dump(m);
}
DEFINE_SHOW_ATTRIBUTE(kernel);

void pgw_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("request", 0600, dir, NULL, &request_fops);
	debugfs_create_file("walk", 0400, dir, NULL, &walk_fops);
	debugfs_create_file("totals", 0400, dir, NULL, &totals_fops);
	debugfs_create_file("pagemap", 0600, dir, NULL, &pagemap_fops);
	debugfs_create_file("kernel", 0400, dir, NULL, &kernel_fops);
}

void pgw_debugfs_exit(void)
{
	mutex_lock(&req_lock);
	put_pid(req.pid);
	req = (struct pgw_request){};
	mutex_unlock(&req_lock);
}
