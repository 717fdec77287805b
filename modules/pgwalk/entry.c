// SPDX-License-Identifier: GPL-2.0
/*
 * What one page-table entry means: its kind, its x86 flag bits, the index
 * an address selects at each level. Pure functions of their arguments, so
 * the KUnit suite can feed them synthetic entries.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include <mmtwin/compat.h>
#include "internal.h"

static const char * const kind_names[PGW_NR_KINDS] = {
	[PGW_NONE]		= "none",
	[PGW_TABLE]		= "table",
	[PGW_PRESENT]		= "present",
	[PGW_PROTNONE]		= "protnone",
	[PGW_SWAP]		= "swap",
	[PGW_MIGRATION]		= "migration",
	[PGW_DEVICE_PRIVATE]	= "device-private",
	[PGW_DEVICE_EXCLUSIVE]	= "device-exclusive",
	[PGW_HWPOISON]		= "hwpoison",
	[PGW_MARKER]		= "marker",
	[PGW_BAD]		= "bad",
};

const char *pgw_kind_name(enum pgw_kind kind)
{
	if (WARN_ON_ONCE(kind >= PGW_NR_KINDS))
		return "?";
	return kind_names[kind];
}
EXPORT_SYMBOL_IF_KUNIT(pgw_kind_name);

/* The names mm/ptdump.c and arch/x86/mm/dump_pagetables.c use. */
const char *pgw_level_name(enum pgw_level level)
{
	static const char * const names[PGW_NR_LEVELS] = {
		"pgd", "p4d", "pud", "pmd", "pte"
	};

	if (WARN_ON_ONCE(level >= PGW_NR_LEVELS))
		return "?";
	return names[level];
}

/*
 * A non-present, non-empty entry holds a swp_entry_t. Its type field says
 * what it really is: a swap slot, or one of the "non-swap" types the kernel
 * keeps above MAX_SWAPFILES (migration, device, hwpoison, marker).
 */
enum pgw_kind pgw_swp_kind(swp_entry_t entry)
{
	if (!non_swap_entry(entry))
		return PGW_SWAP;
	if (is_migration_entry(entry))
		return PGW_MIGRATION;
	if (is_device_private_entry(entry))
		return PGW_DEVICE_PRIVATE;
	if (is_device_exclusive_entry(entry))
		return PGW_DEVICE_EXCLUSIVE;
	if (is_hwpoison_entry(entry))
		return PGW_HWPOISON;
	if (is_pte_marker_entry(entry))
		return PGW_MARKER;
	return PGW_BAD;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_swp_kind);

/*
 * Above the PTE level x86 calls every leaf "bad" (pmd_bad(), pud_bad() test
 * for a table's flags), so a leaf is told apart before the bad check; and
 * a PMD with _PAGE_PSE counts as present even with P clear (a THP being
 * split), as pmd_present() says.
 */
enum pgw_kind pgw_pmd_kind(pmd_t pmd)
{
	if (pmd_none(pmd))
		return PGW_NONE;
	if (!pmd_present(pmd))
		return is_pmd_migration_entry(pmd) ? PGW_MIGRATION : PGW_BAD;
	if (pmd_leaf(pmd))
		return pmd_protnone(pmd) ? PGW_PROTNONE : PGW_PRESENT;
	return pmd_bad(pmd) ? PGW_BAD : PGW_TABLE;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_pmd_kind);

enum pgw_kind pgw_pud_kind(pud_t pud)
{
	if (pud_none(pud))
		return PGW_NONE;
	if (!pud_present(pud))
		return PGW_BAD;
	if (pud_leaf(pud))
		return PGW_PRESENT;
	return pud_bad(pud) ? PGW_BAD : PGW_TABLE;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_pud_kind);

/* With 4-level paging the P4D is folded into the PGD: never none or bad. */
enum pgw_kind pgw_p4d_kind(p4d_t p4d)
{
	if (p4d_none(p4d))
		return PGW_NONE;
	if (p4d_leaf(p4d))
		return PGW_PRESENT;
	return p4d_bad(p4d) ? PGW_BAD : PGW_TABLE;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_p4d_kind);

enum pgw_kind pgw_pgd_kind(pgd_t pgd)
{
	if (pgd_none(pgd))
		return PGW_NONE;
	return pgd_bad(pgd) ? PGW_BAD : PGW_TABLE;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_pgd_kind);

/**
 * pgw_kernel_kind - an entry of the kernel's own tables, at @level
 * @level: PGW_PGD to PGW_PTE
 * @val: the raw entry
 *
 * Judged as mm/pagewalk.c judges them for ptdump (a walk without VMAs):
 * there is no "bad" check below the P4D, and an entry with PS set is a leaf
 * whether present or not (set_memory_np() clears P and keeps PS); so is
 * every PTE that is not empty. A PGD or P4D entry that is bad counts as
 * empty, as pgd_none_or_clear_bad() would make it.
 *
 * Return: PGW_NONE (a hole), PGW_PRESENT (a leaf: noted, not descended),
 * PGW_TABLE (descended) or PGW_BAD (not present: neither).
 */
enum pgw_kind pgw_kernel_kind(enum pgw_level level, u64 val)
{
	bool none, leaf, present;

	switch (level) {
	case PGW_PGD:
		none = pgd_none(__pgd(val)) || pgd_bad(__pgd(val));
		leaf = false;
		present = true;
		break;
	case PGW_P4D:
		none = p4d_none(__p4d(val)) || p4d_bad(__p4d(val));
		leaf = p4d_leaf(__p4d(val));
		present = true;
		break;
	case PGW_PUD:
		none = pud_none(__pud(val));
		leaf = pud_leaf(__pud(val));
		present = pud_present(__pud(val));
		break;
	case PGW_PMD:
		none = pmd_none(__pmd(val));
		leaf = pmd_leaf(__pmd(val));
		present = pmd_present(__pmd(val));
		break;
	case PGW_PTE:
		none = pte_none(__pte(val));
		leaf = true;
		present = true;
		break;
	default:
		WARN_ON_ONCE(1);
		return PGW_BAD;
	}
	if (none)
		return PGW_NONE;
	if (leaf)
		return PGW_PRESENT;
	return present ? PGW_TABLE : PGW_BAD;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_kernel_kind);

/*
 * The PFN field of a pagemap record for a swap-type entry, as
 * fs/proc/task_mmu.c builds it: the type in the low MAX_SWAPFILES_SHIFT
 * bits, the offset above; for entries that carry a PFN (migration,
 * device) the offset is that PFN without the extra flag bits.
 */
u64 pgw_swp_frame(swp_entry_t entry)
{
	u64 offset;

	if (is_pfn_swap_entry(entry))
		offset = swp_offset_pfn(entry);
	else
		offset = swp_offset(entry);
	return swp_type(entry) | (offset << MAX_SWAPFILES_SHIFT);
}
EXPORT_SYMBOL_IF_KUNIT(pgw_swp_frame);

struct pgw_bit {
	u64 mask;
	const char *name;
};

/* Hardware bits of a present entry, then the kernel's software bits. */
static const struct pgw_bit present_bits[] = {
	{ _PAGE_PRESENT,	"P" },
	{ _PAGE_RW,		"RW" },
	{ _PAGE_USER,		"US" },
	{ _PAGE_PWT,		"PWT" },
	{ _PAGE_PCD,		"PCD" },
	{ _PAGE_ACCESSED,	"A" },
	{ _PAGE_DIRTY,		"D" },
	/* bit 7 (PS or PAT) and bit 8 (G) depend on the level: see below */
	{ _PAGE_NX,		"NX" },
	{ _PAGE_SOFT_DIRTY,	"SD" },
	{ _PAGE_UFFD_WP,	"UW" },
	{ _PAGE_SPECIAL,	"SP" },
	{ _PAGE_DEVMAP,		"DM" },
};

/* Bits the kernel keeps in a swap-type (non-present) entry. */
static const struct pgw_bit swap_bits[] = {
	{ _PAGE_SWP_SOFT_DIRTY,	"SD" },
	{ _PAGE_SWP_UFFD_WP,	"UW" },
	{ _PAGE_SWP_EXCLUSIVE,	"EX" },
};

static int put_bits(const struct pgw_bit *bits, size_t n, u64 val,
		    char *buf, size_t size, int len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!bits[i].mask || !(val & bits[i].mask))
			continue;
		len += scnprintf(buf + len, size - len, "%s%s",
				 len ? " " : "", bits[i].name);
	}
	return len;
}

static int put_flag(bool set, const char *name, char *buf, size_t size, int len)
{
	if (!set)
		return len;
	return len + scnprintf(buf + len, size - len, "%s%s", len ? " " : "", name);
}

/**
 * pgw_flags_str - the x86 flag bits of an entry, by name
 * @val: raw entry value
 * @level: where it was found
 * @leaf: true if it maps memory (a PTE, or a huge PMD/PUD)
 * @buf: output
 * @size: size of @buf
 *
 * Bit 7 is PS (a huge leaf) above the PTE level and PAT in a PTE; a huge
 * leaf keeps PAT in bit 12 instead. Bit 8 is G in a present entry and, in
 * a user entry with P clear, the kernel's PROT_NONE marker. Entries with
 * P clear that are not PROT_NONE hold a swap entry: only the kernel's soft
 * bits in it are shown.
 *
 * Return: the length of the string in @buf.
 */
int pgw_flags_str(u64 val, enum pgw_level level, bool leaf, char *buf, size_t size)
{
	bool present = val & _PAGE_PRESENT;
	bool protnone = !present && (val & _PAGE_PROTNONE) && leaf;
	int len = 0;

	if (size)
		buf[0] = '\0';
	if (!val)
		return 0;
	if (!present && !protnone)
		return put_bits(swap_bits, ARRAY_SIZE(swap_bits), val, buf, size, 0);

	len = put_bits(present_bits, 7, val, buf, size, 0);
	if (level == PGW_PTE) {
		len = put_flag(val & _PAGE_PAT, "PAT", buf, size, len);
	} else {
		len = put_flag(val & _PAGE_PSE, "PS", buf, size, len);
		len = put_flag((val & _PAGE_PSE) && (val & _PAGE_PAT_LARGE),
			       "PAT", buf, size, len);
	}
	len = put_flag(present && (val & _PAGE_GLOBAL), "G", buf, size, len);
	len = put_flag(protnone, "PROTNONE", buf, size, len);
	return put_bits(present_bits + 7, ARRAY_SIZE(present_bits) - 7, val,
			buf, size, len);
}
EXPORT_SYMBOL_IF_KUNIT(pgw_flags_str);

/*
 * Virtual address bits each level decodes. With 4-level paging the P4D is
 * folded into the PGD: it has one entry (index 0) and the PGD takes bits
 * 39-47; with 5-level paging (LA57) the P4D takes 39-47 and the PGD 48-56.
 */
unsigned int pgw_level_shift(enum pgw_level level, bool la57)
{
	switch (level) {
	case PGW_PGD:
		return la57 ? 48 : 39;
	case PGW_P4D:
		return 39;
	case PGW_PUD:
		return 30;
	case PGW_PMD:
		return 21;
	case PGW_PTE:
		return 12;
	default:
		WARN_ON_ONCE(1);
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pgw_level_shift);

unsigned int pgw_index(unsigned long addr, enum pgw_level level, bool la57)
{
	if (level == PGW_P4D && !la57)
		return 0;
	return (addr >> pgw_level_shift(level, la57)) & 511;
}
EXPORT_SYMBOL_IF_KUNIT(pgw_index);
