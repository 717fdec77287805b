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
 *   test_widen_us  (KUnit kernels only) test knob, see walk.c
 *
 * Errors: bad syntax or a reversed/empty range -EINVAL, no such process
 * -ESRCH, a kernel thread -EINVAL (no user address space), a range beyond
 * the user address space -EINVAL; an opener or writer without the
 * capabilities below -EPERM. See Documentation/pgwalk.rst.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>
#include <mmtwin/core.h>

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

/*
 * Who may read another process's page tables. pagemap shows PFNs only to
 * CAP_SYS_ADMIN, and reads a process only if ptrace_may_access() allows,
 * which is not exported: we ask for both CAP_SYS_ADMIN and CAP_SYS_PTRACE
 * (which lets ptrace_may_access() pass for any process) of the opener, in
 * the initial user namespace, checked on the credentials the file was
 * opened with (so a descriptor passed on carries its opener's right, as
 * pagemap's does).
 */
static int may_inspect(struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE))
		return -EPERM;
	return 0;
}

/*
 * Aiming an open file at another process: the opener's right is not
 * enough, a descriptor passed to an unprivileged process must not be
 * retargeted by it. The writer needs the same capabilities.
 */
static int may_retarget(struct file *file)
{
	int err = may_inspect(file);

	if (err)
		return err;
	if (!capable(CAP_SYS_ADMIN) || !capable(CAP_SYS_PTRACE))
		return -EPERM;
	return 0;
}

/* The whole walk of [w->start, w->end), the mmap lock dropped per step. */
typedef int (*after_step_t)(struct pgw_walk *w, void *arg);

static int walk_steps(struct pgw_walk *w, struct pid *pid,
		      after_step_t after_step, void *arg)
{
	u64 t0 = ktime_get_ns();
	unsigned long tables;
	int err = 0;

	trace_mmtwin_pgwalk_start(pid_nr(pid), w->start, w->end);
	pgw_walk_begin(w);
	while (!err && w->addr < w->end) {
		err = mmap_read_lock_killable(w->mm);
		if (err)
			break;
		err = pgw_walk_step(w);
		mmap_read_unlock(w->mm);
		if (!err && after_step)
			err = after_step(w, arg);
		cond_resched();
	}
	w->totals.ns = ktime_get_ns() - t0;
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

/*
 * The mm of the process @pid names, pinned as pagemap pins it at open
 * (mmgrab(): the mm_struct stays, its pages may go): a later exec of the
 * target does not switch what the file shows, an exit makes it -ESRCH.
 */
static struct mm_struct *pin_mm(struct pid *pid)
{
	struct mm_struct *mm = pgw_get_mm(pid);

	if (IS_ERR(mm))
		return mm;
	mmgrab(mm);
	mmput(mm);
	return mm;
}

/* A pinned mm made usable for a walk, or -ESRCH once its users are gone. */
static int use_mm(struct mm_struct *mm)
{
	return mm && mmget_not_zero(mm) ? 0 : -ESRCH;
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

	err = may_retarget(file);
	if (err)
		return err;
	buf = mmtwin_copy_command(ubuf, count, 128);
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

/* The request back, its pid as the reader's namespace numbers it. */
static int request_show(struct seq_file *m, void *unused)
{
	mutex_lock(&req_lock);
	switch (req.mode) {
	case REQ_NONE:
		seq_puts(m, "none\n");
		break;
	case REQ_ALL:
		seq_printf(m, "pid %d\n", pid_vnr(req.pid));
		break;
	case REQ_RANGE:
		seq_printf(m, "pid %d 0x%lx 0x%lx\n", pid_vnr(req.pid),
			   req.start, req.end);
		break;
	case REQ_ADDR:
		seq_printf(m, "pid %d addr 0x%lx\n", pid_vnr(req.pid), req.start);
		break;
	}
	mutex_unlock(&req_lock);
	return 0;
}

static int request_open(struct inode *inode, struct file *file)
{
	int err = may_inspect(file);

	return err ? err : single_open(file, request_show, NULL);
}

static const struct file_operations request_fops = {
	.owner		= THIS_MODULE,
	.open		= request_open,
	.read		= seq_read,
	.write		= request_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/*
 * "walk" and "totals": the request and its target's mm as they were at
 * open; the text is made by one walk at the first read and served from
 * memory after that (a walk is never repeated for one open file).
 */
struct pgw_view {
	struct pgw_request r;
	struct mm_struct *mm;		/* pinned; NULL if @err */
	int err;			/* -ENOENT: no request; -ESRCH, -EINVAL */
	struct mutex lock;
	bool made;
	int made_err;
	struct seq_file out;		/* only buf, size, count are used */
};

/*
 * Room for what one step may print: a line per PTE of a table at most
 * (about 250 bytes each), and the header.
 */
#define VIEW_STEP_ROOM	(PGW_STEP_PAGES * 256 + 1024)

static int view_room(struct seq_file *out)
{
	size_t size;
	char *buf;

	if (out->size - out->count >= VIEW_STEP_ROOM)
		return 0;
	size = max_t(size_t, 2 * out->size, 2 * VIEW_STEP_ROOM);
	buf = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (out->buf)
		memcpy(buf, out->buf, out->count);
	kvfree(out->buf);
	out->buf = buf;
	out->size = size;
	return 0;
}

static int text_after_step(struct pgw_walk *w, void *arg)
{
	return view_room(arg);
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
static int show_translation(struct pgw_view *v)
{
	struct pgw_xlate *x = kmalloc(sizeof(*x), GFP_KERNEL);
	int err;

	if (!x)
		return -ENOMEM;
	err = mmap_read_lock_killable(v->mm);
	if (!err) {
		err = pgw_translate(v->mm, v->r.start, x);
		mmap_read_unlock(v->mm);
	}
	if (!err) {
		seq_printf(&v->out, "pid %d\n", pid_vnr(v->r.pid));
		pgw_show_xlate(&v->out, x);
	}
	kfree(x);
	return err;
}

/* A range: runs of like entries, one line each. */
static int show_runs(struct pgw_view *v)
{
	struct pgw_walk w = { .mm = v->mm, .visit = pgw_text_visit };
	int err;

	request_bounds(&v->r, v->mm, &w.start, &w.end);
	w.priv = pgw_text_begin(&v->out);
	if (!w.priv)
		return -ENOMEM;
	seq_printf(&v->out, "pid %d range 0x%016lx-0x%016lx\n",
		   pid_vnr(v->r.pid), w.start, w.end);
	err = walk_steps(&w, v->r.pid, text_after_step, &v->out);
	pgw_text_end(w.priv);
	return err;
}

static int show_walk(struct pgw_view *v)
{
	return v->r.mode == REQ_ADDR ? show_translation(v) : show_runs(v);
}

static int show_totals(struct pgw_view *v)
{
	struct pgw_walk w = { .mm = v->mm };
	int err;

	request_bounds(&v->r, v->mm, &w.start, &w.end);
	err = walk_steps(&w, v->r.pid, NULL, NULL);
	if (!err) {
		seq_printf(&v->out, "pid %d\n", pid_vnr(v->r.pid));
		pgw_show_totals(&v->out, &w);
	}
	return err;
}

static int view_open(struct inode *inode, struct file *file)
{
	struct pgw_view *v;
	struct mm_struct *mm;
	int err = may_inspect(file);

	if (err)
		return err;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	mutex_init(&v->lock);
	mutex_lock(&req_lock);
	v->r = req;
	get_pid(v->r.pid);
	mutex_unlock(&req_lock);
	if (v->r.mode == REQ_NONE) {
		v->err = -ENOENT;
	} else {
		mm = pin_mm(v->r.pid);
		if (IS_ERR(mm))
			v->err = PTR_ERR(mm);
		else
			v->mm = mm;
	}
	file->private_data = v;
	return 0;
}

static int view_release(struct inode *inode, struct file *file)
{
	struct pgw_view *v = file->private_data;

	if (v->mm)
		mmdrop(v->mm);
	put_pid(v->r.pid);
	kvfree(v->out.buf);
	mutex_destroy(&v->lock);
	kfree(v);
	return 0;
}

/* The view's text, made once; its error every time if that failed. */
static int view_make(struct pgw_view *v, int (*show)(struct pgw_view *v))
{
	int err;

	if (v->made)
		return v->made_err;
	err = v->err ? v->err : use_mm(v->mm);
	if (!err) {
		err = view_room(&v->out);
		if (!err)
			err = show(v);
		mmput(v->mm);
	}
	if (!err && seq_has_overflowed(&v->out))
		err = -EOVERFLOW;
	/* An interrupted walk may be tried again by the next read. */
	if (err != -EINTR) {
		v->made = true;
		v->made_err = err;
	}
	return err;
}

static ssize_t view_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos, int (*show)(struct pgw_view *v))
{
	struct pgw_view *v = file->private_data;
	ssize_t ret;

	mutex_lock(&v->lock);
	ret = view_make(v, show);
	if (!ret)
		ret = simple_read_from_buffer(buf, count, ppos, v->out.buf,
					      v->out.count);
	mutex_unlock(&v->lock);
	return ret;
}

static ssize_t walk_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	return view_read(file, buf, count, ppos, show_walk);
}

static ssize_t totals_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	return view_read(file, buf, count, ppos, show_totals);
}

static const struct file_operations walk_fops = {
	.owner		= THIS_MODULE,
	.open		= view_open,
	.read		= walk_read,
	.llseek		= default_llseek,
	.release	= view_release,
};

static const struct file_operations totals_fops = {
	.owner		= THIS_MODULE,
	.open		= view_open,
	.read		= totals_read,
	.llseek		= default_llseek,
	.release	= view_release,
};

/* pagemap: one target per open file, its mm pinned at open or retarget. */
struct pm_file {
	struct mutex lock;
	struct pid *pid;
	struct mm_struct *mm;		/* NULL: no target, or it had no mm */
	int err;			/* why there is no mm */
};

static void pm_set_target(struct pm_file *pf, struct pid *pid)
{
	struct mm_struct *mm = pid ? pin_mm(pid) : ERR_PTR(-EINVAL);

	if (pf->mm)
		mmdrop(pf->mm);
	put_pid(pf->pid);
	pf->pid = pid;
	pf->mm = IS_ERR(mm) ? NULL : mm;
	pf->err = IS_ERR(mm) ? PTR_ERR(mm) : 0;
}

static int pagemap_open(struct inode *inode, struct file *file)
{
	struct pm_file *pf;
	struct pid *pid;
	int err = may_inspect(file);

	if (err)
		return err;
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock);
	mutex_lock(&req_lock);
	pid = get_pid(req.pid);
	mutex_unlock(&req_lock);
	pm_set_target(pf, pid);
	file->private_data = pf;
	return 0;
}

static int pagemap_release(struct inode *inode, struct file *file)
{
	struct pm_file *pf = file->private_data;

	pm_set_target(pf, NULL);
	mutex_destroy(&pf->lock);
	kfree(pf);
	return 0;
}

static ssize_t pagemap_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct pm_file *pf = file->private_data;
	char buf[32], *s;
	struct pid *pid;
	int nr, err;

	err = may_retarget(file);
	if (err)
		return err;
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
	pm_set_target(pf, pid);
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

/* Where the records of a read go, step by step. */
struct pm_copy {
	char __user *buf;
	size_t count;
	ssize_t copied;
};

/*
 * The records of one step go out with plain 8-byte stores, four to a
 * loop, not with copy_to_user(). That is "rep movsb" on a CPU with ERMS
 * (the test VM's), which QEMU's TCG runs one byte per pass of its own
 * loop: eight per record, about 16 ns per page in the test VM, half of
 * the twin's time on dense 4 KiB pages (Documentation/pgwalk.rst, "Tests
 * and benchmark"). On hardware either copies 4 KiB in well under a
 * microsecond. @to is checked here (access_ok()), not by the caller.
 */
static int put_records(u64 __user *to, const u64 *from, size_t n)
{
	size_t i;

	might_fault();
	if (!user_write_access_begin(to, n * sizeof(u64)))
		return -EFAULT;
	for (i = 0; i + 4 <= n; i += 4) {
		unsafe_put_user(from[i], &to[i], efault);
		unsafe_put_user(from[i + 1], &to[i + 1], efault);
		unsafe_put_user(from[i + 2], &to[i + 2], efault);
		unsafe_put_user(from[i + 3], &to[i + 3], efault);
	}
	for (; i < n; i++)
		unsafe_put_user(from[i], &to[i], efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

static int pagemap_after_step(struct pgw_walk *w, void *arg)
{
	struct pm_copy *c = arg;
	size_t len = min(c->count,
			 ((w->addr - w->pm_base) >> PAGE_SHIFT) * sizeof(u64));

	if (put_records((u64 __user *)c->buf, w->pm, len / sizeof(u64)))
		return -EFAULT;
	c->buf += len;
	c->count -= len;
	c->copied += len;
	w->pm_base = w->addr;
	return 0;
}

static ssize_t pagemap_walk(struct mm_struct *mm, struct pid *pid,
			    char __user *buf, size_t count, loff_t *ppos)
{
	struct pgw_walk w = { .mm = mm };
	struct pm_copy c = { .buf = buf, .count = count };
	int err;

	w.pm = kmalloc_array(PGW_STEP_PAGES, sizeof(u64), GFP_KERNEL);
	if (!w.pm)
		return -ENOMEM;
	pagemap_bounds(mm, *ppos, count, &w.start, &w.end);
	err = walk_steps(&w, pid, pagemap_after_step, &c);
	kfree(w.pm);
	if (c.copied > 0)
		*ppos += c.copied;
	return c.copied ? c.copied : err;
}

static ssize_t pagemap_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct pm_file *pf = file->private_data;
	struct mm_struct *mm;
	struct pid *pid;
	ssize_t ret;

	if ((*ppos % sizeof(u64)) || (count % sizeof(u64)))
		return -EINVAL;
	mutex_lock(&pf->lock);
	mm = pf->mm;
	ret = mm ? use_mm(mm) : pf->err;
	pid = get_pid(pf->pid);
	mutex_unlock(&pf->lock);
	if (ret)
		goto out;
	if (count)
		ret = pagemap_walk(mm, pid, buf, count, ppos);
	mmput(mm);
out:
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

/*
 * The kernel's tables show kernel addresses, which KASLR hides: only for
 * CAP_SYS_ADMIN, and never under lockdown (debugfs itself lets read-only
 * files through at the integrity level; this one must not be).
 */
static int kernel_show(struct seq_file *m, void *unused)
{
	return pgw_kernel_dump(m);
}

static int kernel_open(struct inode *inode, struct file *file)
{
	int err = security_locked_down(LOCKDOWN_DEBUGFS);

	if (err)
		return err;
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return single_open(file, kernel_show, NULL);
}

static const struct file_operations kernel_fops = {
	.owner		= THIS_MODULE,
	.open		= kernel_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* Test knob (KUnit kernels only): microseconds, at most 10 ms. */
static int widen_get(void *data, u64 *val)
{
	*val = READ_ONCE(pgw_test_widen_us);
	return 0;
}

static int widen_set(void *data, u64 val)
{
	if (val > 10000)
		return -EINVAL;
	WRITE_ONCE(pgw_test_widen_us, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(widen_fops, widen_get, widen_set, "%llu\n");

void pgw_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("request", 0600, dir, NULL, &request_fops);
	debugfs_create_file("walk", 0400, dir, NULL, &walk_fops);
	debugfs_create_file("totals", 0400, dir, NULL, &totals_fops);
	debugfs_create_file("pagemap", 0600, dir, NULL, &pagemap_fops);
	debugfs_create_file("kernel", 0400, dir, NULL, &kernel_fops);
	if (IS_ENABLED(CONFIG_KUNIT))
		debugfs_create_file_unsafe("test_widen_us", 0600, dir, NULL,
					   &widen_fops);
}

void pgw_debugfs_exit(void)
{
	WRITE_ONCE(pgw_test_widen_us, 0);
	mutex_lock(&req_lock);
	put_pid(req.pid);
	req = (struct pgw_request){};
	mutex_unlock(&req_lock);
}
