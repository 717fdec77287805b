/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TLB simulator's debugfs file, as its test and its benchmark read it.
 */
#ifndef _MMTWIN_SELFTEST_TLB_SIM_H
#define _MMTWIN_SELFTEST_TLB_SIM_H

#include <stdio.h>
#include <string.h>

#define SIM	"/sys/kernel/debug/mmtwin/tlb/sim"

/* A "name value" line of the simulator's file, -1 if there is none. */
static inline long long sim_stat(const char *key)
{
	char line[256], name[64], extra[8];
	long long v, ret = -1;
	FILE *f = fopen(SIM, "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld %7s", name, &v, extra) == 2 &&
		    !strcmp(name, key))
			ret = v;
	if (f)
		fclose(f);
	return ret;
}

#endif /* _MMTWIN_SELFTEST_TLB_SIM_H */
