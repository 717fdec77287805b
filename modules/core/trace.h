/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mmtwin

#if !defined(_MMTWIN_CORE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MMTWIN_CORE_TRACE_H

#include <linux/tracepoint.h>
#include <mmtwin/compat.h>

DECLARE_EVENT_CLASS(mmtwin_twin,
	TP_PROTO(const char *name, const char *module),
	TP_ARGS(name, module),

	TP_STRUCT__entry(
		__string(name, name)
		__string(module, module)
	),

	TP_fast_assign(
		mmtwin_assign_str(name, name);
		mmtwin_assign_str(module, module);
	),

	TP_printk("name=%s module=%s", __get_str(name), __get_str(module))
);

DEFINE_EVENT(mmtwin_twin, mmtwin_twin_register,
	TP_PROTO(const char *name, const char *module),
	TP_ARGS(name, module)
);

DEFINE_EVENT(mmtwin_twin, mmtwin_twin_unregister,
	TP_PROTO(const char *name, const char *module),
	TP_ARGS(name, module)
);

#endif /* _MMTWIN_CORE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
