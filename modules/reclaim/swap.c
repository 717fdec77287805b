// SPDX-License-Identifier: GPL-2.0
/*
 * The swap store: where anon pages go when reclaimed. Each slot holds a
 * host page with the data and the CRC32 taken at write-out; reading a
 * slot back checks the data against it, so a round trip that corrupts a
 * page is counted (swap_mismatch), never silently returned. Its capacity
 * (swap_max) is what makes an unreclaimable fill possible: when it is
 * full, anon pages stay where they are, as with no swap space.
 */
#include <linux/crc32.h>
#include <linux/highmem.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include <kunit/visibility.h>

#include "internal.h"

/* 1 GB of swap at most: the slot table is sized for it once. */
#define TWIN_SWAP_LIMIT		(1UL << 18)

struct swap_slot {
	struct page *page;
	u32 csum;
};

static DEFINE_SPINLOCK(swap_lock);
static struct swap_slot *slots;
static u32 *free_slots;			/* a stack of free slot numbers */
static unsigned long nr_free_slots, swap_used, swap_max;
atomic_long_t twin_swap_mismatch;
EXPORT_SYMBOL_IF_KUNIT(twin_swap_mismatch);

int twin_swap_init(unsigned long max_pages)
{
	unsigned long i;

	if (max_pages > TWIN_SWAP_LIMIT)
		return -ERANGE;
	slots = vzalloc(array_size(TWIN_SWAP_LIMIT, sizeof(*slots)));
	free_slots = vmalloc(array_size(TWIN_SWAP_LIMIT, sizeof(*free_slots)));
	if (!slots || !free_slots) {
		twin_swap_exit();
		return -ENOMEM;
	}
	/* Lowest slot on top, so slot numbers stay small. */
	for (i = 0; i < TWIN_SWAP_LIMIT; i++)
		free_slots[i] = TWIN_SWAP_LIMIT - 1 - i;
	nr_free_slots = TWIN_SWAP_LIMIT;
	swap_max = max_pages;
	return 0;
}

/* Every page still in the store goes back to the host. */
void twin_swap_exit(void)
{
	unsigned long i;

	if (slots)
		for (i = 0; i < TWIN_SWAP_LIMIT; i++)
			if (slots[i].page)
				__free_page(slots[i].page);
	vfree(slots);
	vfree(free_slots);
	slots = NULL;
	free_slots = NULL;
	swap_used = 0;
}

static long get_slot(void)
{
	long slot = -ENOSPC;

	spin_lock(&swap_lock);
	if (swap_used < swap_max && nr_free_slots) {
		slot = free_slots[--nr_free_slots];
		swap_used++;
	}
	spin_unlock(&swap_lock);
	return slot;
}

static void put_slot(u32 slot)
{
	spin_lock(&swap_lock);
	free_slots[nr_free_slots++] = slot;
	swap_used--;
	spin_unlock(&swap_lock);
}

/*
 * Write a page's data out: the slot number, -ENOSPC when the store is
 * full, -ENOMEM when the host has no page for it. The host page is taken
 * without dipping into the host's reserves (the caller may be in the
 * twin's direct reclaim, with PF_MEMALLOC set).
 */
long twin_swap_write(const void *data)
{
	struct page *page;
	long slot = get_slot();

	if (slot < 0)
		return slot;
	page = alloc_page(GFP_KERNEL | __GFP_NOMEMALLOC | __GFP_NOWARN);
	if (!page) {
		put_slot(slot);
		return -ENOMEM;
	}
	memcpy(page_address(page), data, PAGE_SIZE);
	slots[slot].csum = crc32_le(~0U, data, PAGE_SIZE);
	slots[slot].page = page;
	return slot;
}
EXPORT_SYMBOL_IF_KUNIT(twin_swap_write);

/* Read a slot back into @data: 0, or -EIO when it fails its checksum. */
int twin_swap_read(u32 slot, void *data)
{
	if (WARN_ON_ONCE(slot >= TWIN_SWAP_LIMIT || !slots[slot].page))
		return -EINVAL;
	memcpy(data, page_address(slots[slot].page), PAGE_SIZE);
	if (crc32_le(~0U, data, PAGE_SIZE) != slots[slot].csum) {
		atomic_long_inc(&twin_swap_mismatch);
		return -EIO;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(twin_swap_read);

void twin_swap_free(u32 slot)
{
	if (WARN_ON_ONCE(slot >= TWIN_SWAP_LIMIT || !slots[slot].page))
		return;
	__free_page(slots[slot].page);
	slots[slot].page = NULL;
	put_slot(slot);
}
EXPORT_SYMBOL_IF_KUNIT(twin_swap_free);

unsigned long twin_swap_used(void)
{
	return READ_ONCE(swap_used);
}
EXPORT_SYMBOL_IF_KUNIT(twin_swap_used);

unsigned long twin_swap_max(void)
{
	return READ_ONCE(swap_max);
}
EXPORT_SYMBOL_IF_KUNIT(twin_swap_max);

bool twin_swap_has_room(void)
{
	return READ_ONCE(swap_used) < READ_ONCE(swap_max);
}

/* Shrinking below what is in use is allowed: writes stop until it drains. */
int twin_swap_set_max(unsigned long max_pages)
{
	if (max_pages > TWIN_SWAP_LIMIT)
		return -ERANGE;
	WRITE_ONCE(swap_max, max_pages);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(twin_swap_set_max);
