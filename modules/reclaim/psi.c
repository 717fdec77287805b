// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure over the twin's own tasks, as psi.c defines it: "some"
 * is time with at least one twin task stalled on memory, "full" time
 * with every non-idle twin task stalled. A task stalls where the kernel
 * calls psi_memstall_enter(): in direct reclaim (with its throttle), in
 * kswapd's balance_pgdat(), and reading back a page of the working set
 * (swap_read_folio(), filemap_read_folio(): thrashing). Each cause's
 * time is also summed apart, as delayacct's freepages and thrashing
 * delays are. A module cannot see the scheduler's per-CPU task counts,
 * so the twin's tasks are the ones it knows: workload callers and
 * threads, its kswapds, and any task in its direct reclaim. Every 2 s the
 * stall time feeds psi.c's calc_avgs(), printed as /proc/pressure/memory.
 */
#include <kunit/visibility.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "internal.h"

#define PSI_PERIOD_NS	(2 * NSEC_PER_SEC)
#define PSI_MEMBERS	64

enum { PSI_SOME, PSI_FULL, NR_PSI };

struct psi_member {
	struct task_struct *task;
	int depth;		/* twin_psi_task_enter() nesting */
	int stalls;		/* memstall nesting */
};

static DEFINE_SPINLOCK(psi_lock);
static struct psi_member members[PSI_MEMBERS];
static int nr_tasks, nr_memstall;
static u64 state_start, total[NR_PSI], avg_total[NR_PSI], avg_last;
static unsigned long avg[NR_PSI][3];
static struct delayed_work avgs_work;
static atomic64_t stall_ns[NR_TWIN_STALLS];

/* Charge the time since the last change to the states it was in. */
static void record_times(u64 now)
{
	u64 delta = now - state_start;

	if (nr_memstall)
		total[PSI_SOME] += delta;
	if (nr_memstall && nr_memstall == nr_tasks)
		total[PSI_FULL] += delta;
	state_start = now;
}

static struct psi_member *member_of(struct task_struct *t, bool add)
{
	struct psi_member *free = NULL;
	int i;

	for (i = 0; i < PSI_MEMBERS; i++) {
		if (members[i].task == t)
			return &members[i];
		if (!members[i].task && !free)
			free = &members[i];
	}
	if (add && free)
		free->task = t;
	return add ? free : NULL;
}

static void member_update(int task_delta, int stall_delta)
{
	struct psi_member *m;
	unsigned long flags;

	spin_lock_irqsave(&psi_lock, flags);
	record_times(ktime_get_ns());
	/* Only an enter adds a task: a leave without its enter changes nothing. */
	m = member_of(current, task_delta > 0 || stall_delta > 0);
	if (m) {
		bool was_task = m->depth || m->stalls;
		bool was_stalled = m->stalls;

		m->depth += task_delta;
		m->stalls += stall_delta;
		nr_tasks += (m->depth || m->stalls) - was_task;
		nr_memstall += !!m->stalls - was_stalled;
		if (!m->depth && !m->stalls)
			m->task = NULL;
	}
	spin_unlock_irqrestore(&psi_lock, flags);
}

void twin_psi_task_enter(void)
{
	member_update(1, 0);
}

void twin_psi_task_leave(void)
{
	member_update(-1, 0);
}

/*
 * psi_memstall_enter(): a task not yet ours counts while it stalls.
 * Nesting (a refault inside reclaim, say) is one stall, timed once by
 * each cause.
 */
void twin_psi_memstall_enter(struct twin_memstall *ms, enum twin_stall cause)
{
	ms->cause = cause;
	ms->start = ktime_get_ns();
	member_update(0, 1);
}

void twin_psi_memstall_leave(struct twin_memstall *ms)
{
	member_update(0, -1);
	atomic64_add(ktime_get_ns() - ms->start, &stall_ns[ms->cause]);
}

/* Nanoseconds stalled for @cause since load. */
u64 twin_psi_stall_ns(enum twin_stall cause)
{
	return atomic64_read(&stall_ns[cause]);
}
EXPORT_SYMBOL_IF_KUNIT(twin_psi_stall_ns);

static void psi_avgs_work(struct work_struct *work)
{
	unsigned long flags;
	u64 now, period, sample;
	int s, missed;

	spin_lock_irqsave(&psi_lock, flags);
	now = ktime_get_ns();
	record_times(now);
	period = now - avg_last;
	missed = period > PSI_PERIOD_NS ? div64_u64(period, PSI_PERIOD_NS) - 1 : 0;
	for (s = 0; s < NR_PSI; s++) {
		sample = min(total[s] - avg_total[s], period);
		avg_total[s] = total[s];
		twin_calc_avgs(avg[s], missed, sample, period);
	}
	avg_last = now;
	spin_unlock_irqrestore(&psi_lock, flags);
	schedule_delayed_work(&avgs_work, nsecs_to_jiffies(PSI_PERIOD_NS));
}

void twin_psi_show(struct seq_file *m)
{
	static const char *const names[NR_PSI] = { "some", "full" };
	unsigned long a[NR_PSI][3], flags;
	u64 t[NR_PSI];
	int s;

	spin_lock_irqsave(&psi_lock, flags);
	record_times(ktime_get_ns());
	memcpy(a, avg, sizeof(a));
	memcpy(t, total, sizeof(t));
	spin_unlock_irqrestore(&psi_lock, flags);
	for (s = 0; s < NR_PSI; s++)
		seq_printf(m, "%s avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%llu\n",
			   names[s],
			   TWIN_LOAD_INT(a[s][0]), TWIN_LOAD_FRAC(a[s][0]),
			   TWIN_LOAD_INT(a[s][1]), TWIN_LOAD_FRAC(a[s][1]),
			   TWIN_LOAD_INT(a[s][2]), TWIN_LOAD_FRAC(a[s][2]),
			   div_u64(t[s], NSEC_PER_USEC));
}

int twin_psi_init(void)
{
	state_start = avg_last = ktime_get_ns();
	INIT_DELAYED_WORK(&avgs_work, psi_avgs_work);
	schedule_delayed_work(&avgs_work, nsecs_to_jiffies(PSI_PERIOD_NS));
	return 0;
}

void twin_psi_exit(void)
{
	cancel_delayed_work_sync(&avgs_work);
}
