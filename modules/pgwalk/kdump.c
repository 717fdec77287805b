// SPDX-License-Identifier: GPL-2.0
#include <linux/seq_file.h>
#include "internal.h"

int pgw_kernel_dump(struct seq_file *m)
{
	seq_puts(m, "not yet\n");
	return 0;
}
