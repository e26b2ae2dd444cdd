/* A C-compatible face for the one libtracefs call the compiler makes.
 * <tracefs/tracefs.h> does not compile as C++ (an inline function passes an
 * int where an enum is expected), so C++ code calls this instead. */
#ifndef PROBITY_TRACEFS_FILTER_SHIM_H
#define PROBITY_TRACEFS_FILTER_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

struct tep_event;

/* tracefs_filter_string_verify(): 0 when libtracefs accepts `filter` for
 * `event`, -1 otherwise. On -1, *error is libtracefs' message (the filter, a
 * caret under the offending position and the reason, newline-separated) to
 * be released with free(), or NULL when libtracefs gave none. */
int probity_tracefs_filter_verify(struct tep_event *event, const char *filter, char **error);

#ifdef __cplusplus
}
#endif

#endif
