/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the probity_example module, with the stability its
 * author commits to: see Documentation/trace/events-stability.rst in a
 * kernel with the Probity series applied.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM probity_example

#if !defined(_PROBITY_EXAMPLE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PROBITY_EXAMPLE_TRACE_H

#include <linux/tracepoint.h>

/* What every event of this module promises unless it says otherwise. */
TRACE_SYSTEM_STABILITY(EVOLVING, EVOLVING, COMMON);

/* A request was handled: the event that users are meant to trace. */
TRACE_EVENT(probity_example_request,

	TP_PROTO(unsigned int id, unsigned int bytes),

	TP_ARGS(id, bytes),

	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned int, bytes)
	),

	TP_fast_assign(
		__entry->id = id;
		__entry->bytes = bytes;
	),

	TP_printk("id=%u bytes=%u", __entry->id, __entry->bytes)
);

/* Committed to: its name and fields change only with notice. */
TRACE_EVENT_STABILITY(probity_example_request, STABLE, STABLE, COMMON);

/* Internal state for the driver's developers: no promise at all. */
TRACE_EVENT(probity_example_debug,

	TP_PROTO(unsigned int id, unsigned long state),

	TP_ARGS(id, state),

	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned long, state)
	),

	TP_fast_assign(
		__entry->id = id;
		__entry->state = state;
	),

	TP_printk("id=%u state=%#lx", __entry->id, __entry->state)
);

TRACE_EVENT_STABILITY(probity_example_debug, PRIVATE, PRIVATE, PLATFORM);

/* No declaration of its own: inherits TRACE_SYSTEM_STABILITY() above. */
TRACE_EVENT(probity_example_reset,

	TP_PROTO(unsigned int id),

	TP_ARGS(id),

	TP_STRUCT__entry(
		__field(unsigned int, id)
	),

	TP_fast_assign(
		__entry->id = id;
	),

	TP_printk("id=%u", __entry->id)
);

#endif /* _PROBITY_EXAMPLE_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE probity_example_trace
#include <trace/define_trace.h>
