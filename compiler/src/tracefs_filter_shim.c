#include "tracefs_filter_shim.h"

#include <stddef.h>
#include <tracefs/tracefs.h>

int probity_tracefs_filter_verify(struct tep_event *event, const char *filter, char **error)
{
	*error = NULL;
	return tracefs_filter_string_verify(event, filter, error) == 0 ? 0 : -1;
}
