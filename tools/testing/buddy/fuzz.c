// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: every input is a sequence of allocator operations. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct harness h;

	harness_setup(&h, 2, 56, 2);
	harness_run_ops(&h, data, len);
	harness_teardown(&h);
	return 0;
}
