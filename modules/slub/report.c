// SPDX-License-Identifier: GPL-2.0
/*
 * The debug reports, in 6.12's words and layout (slab_bug(), slab_fix(),
 * object_err(), slab_err(), print_trailer()), but never a WARN and never
 * a taint: the twin's corruption is not the kernel's. Addresses are %p,
 * hashed, as the kernel prints them. Under a KUnit test that registered
 * a "slab_errors" resource, errors are counted instead of printed, as
 * slab_add_kunit_errors() does.
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/kernel.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/stackdepot.h>

#include "internal.h"
#include "report.h"

#if IS_ENABLED(CONFIG_KUNIT)
static struct kunit_resource *slab_errors_resource(void)
{
	if (!kunit_get_current_test())
		return NULL;
	return kunit_find_named_resource(current->kunit_test, "slab_errors");
}

bool slub_add_kunit_errors(void)
{
	struct kunit_resource *resource = slab_errors_resource();

	if (!resource)
		return false;
	(*(int *)resource->data)++;
	kunit_put_resource(resource);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(slub_add_kunit_errors);

bool slub_in_kunit_test(void)
{
	struct kunit_resource *resource = slab_errors_resource();

	if (!resource)
		return false;
	kunit_put_resource(resource);
	return true;
}
#else
bool slub_add_kunit_errors(void)
{
	return false;
}

bool slub_in_kunit_test(void)
{
	return false;
}
#endif

/* print_tainted() is not exported: the same string from test_taint(). */
static const char taint_chars[][2] = {
	[TAINT_PROPRIETARY_MODULE] = "PG", [TAINT_FORCED_MODULE] = "F ",
	[TAINT_CPU_OUT_OF_SPEC] = "S ", [TAINT_FORCED_RMMOD] = "R ",
	[TAINT_MACHINE_CHECK] = "M ", [TAINT_BAD_PAGE] = "B ",
	[TAINT_USER] = "U ", [TAINT_DIE] = "D ",
	[TAINT_OVERRIDDEN_ACPI_TABLE] = "A ", [TAINT_WARN] = "W ",
	[TAINT_CRAP] = "C ", [TAINT_FIRMWARE_WORKAROUND] = "I ",
	[TAINT_OOT_MODULE] = "O ", [TAINT_UNSIGNED_MODULE] = "E ",
	[TAINT_SOFTLOCKUP] = "L ", [TAINT_LIVEPATCH] = "K ",
	[TAINT_AUX] = "X ", [TAINT_RANDSTRUCT] = "T ", [TAINT_TEST] = "N ",
};

static const char *taint_string(char *buf, size_t len)
{
	unsigned int i, pos;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(taint_chars); i++)
		any |= test_taint(i);
	if (!any)
		return "Not tainted";
	pos = scnprintf(buf, len, "Tainted: ");
	for (i = 0; i < ARRAY_SIZE(taint_chars) && pos + 1 < len; i++)
		buf[pos++] = taint_chars[i][test_taint(i) ? 0 : 1];
	buf[pos] = '\0';
	return buf;
}

void slub_bug(struct mmtwin_kmem_cache *s, const char *fmt, ...)
{
	struct va_format vaf;
	char taint[48];
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %pV\n", s ? s->name : "<unknown>",
	       taint_string(taint, sizeof(taint)), &vaf);
	pr_err("-----------------------------------------------------------------------------\n\n");
	va_end(args);
}

void slub_fix(struct mmtwin_kmem_cache *s, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (slub_add_kunit_errors())
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("FIX %s: %pV\n", s->name, &vaf);
	va_end(args);
}

void slub_print_section(const char *text, u8 *addr, unsigned int length)
{
	print_hex_dump(KERN_ERR, text, DUMP_PREFIX_ADDRESS, 16, 1, addr,
		       length, 1);
}

void slub_print_slab_info(struct mmtwin_frame *slab)
{
	union slub_counters c = slub_counters_read(slab);

	pr_err("Slab 0x%p objects=%u used=%u fp=0x%p flags=%pGp\n",
	       slab, c.objects, c.inuse, slub_slab_freelist(slab),
	       &mmtwin_frame_page(slab)->flags);
}

static void print_track(const char *what, struct slub_track *t,
			unsigned long now)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%u pid=%d\n", what, (void *)t->addr,
	       now - t->when, t->cpu, t->pid);
	if (t->handle)
		stack_depot_print(t->handle);
	else
		pr_err("object allocation/free stack trace missing\n");
}

void slub_print_tracking(struct mmtwin_kmem_cache *s, void *object)
{
	unsigned long now = jiffies;

	if (!(s->geo.flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", slub_get_track(s, object, SLUB_TRACK_ALLOC),
		    now);
	print_track("Freed", slub_get_track(s, object, SLUB_TRACK_FREE), now);
}

/* Where padding starts: after the tracks and the original size. */
unsigned int slub_pad_offset(struct mmtwin_kmem_cache *s)
{
	unsigned int off = slub_info_end(&s->geo);

	if (s->geo.flags & SLAB_STORE_USER) {
		off += 2 * sizeof(struct slub_track);
		if (s->geo.flags & SLAB_KMALLOC)
			off += sizeof(unsigned long);
	}
	return off;
}

/* size_from_object(): the object's share of the slab from its start. */
unsigned int slub_size_from_object(struct mmtwin_kmem_cache *s)
{
	return s->geo.size - s->geo.red_left_pad;
}

static void print_trailer(struct mmtwin_kmem_cache *s,
			  struct mmtwin_frame *slab, u8 *p)
{
	u8 *addr = slub_slab_address(slab);
	unsigned int off = slub_pad_offset(s);

	slub_print_tracking(s, p);
	slub_print_slab_info(slab);
	pr_err("Object 0x%p @offset=%tu fp=0x%p\n\n", p, p - addr,
	       slub_get_freepointer(s, p));
	if (s->geo.flags & SLAB_RED_ZONE)
		slub_print_section("Redzone  ", p - s->geo.red_left_pad,
				   s->geo.red_left_pad);
	else if (p > addr + 16)
		slub_print_section("Bytes b4 ", p - 16, 16);
	slub_print_section("Object   ", p,
			   min_t(unsigned int, s->geo.object_size, PAGE_SIZE));
	if (s->geo.flags & SLAB_RED_ZONE)
		slub_print_section("Redzone  ", p + s->geo.object_size,
				   s->geo.inuse - s->geo.object_size);
	if (off != slub_size_from_object(s))
		slub_print_section("Padding  ", p + off,
				   slub_size_from_object(s) - off);
}

void slub_object_err(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		     u8 *object, const char *reason)
{
	if (slub_add_kunit_errors())
		return;
	slub_bug(s, "%s", reason);
	if (!object || !slub_valid_pointer(s, slab, object)) {
		slub_print_slab_info(slab);
		pr_err("Invalid pointer 0x%p\n", object);
	} else {
		print_trailer(s, slab, object);
	}
}

void slub_slab_err(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		   const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (slub_add_kunit_errors())
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	slub_bug(s, "%pV", &vaf);
	va_end(args);
	if (!slub_in_kunit_test())
		slub_print_slab_info(slab);
}
