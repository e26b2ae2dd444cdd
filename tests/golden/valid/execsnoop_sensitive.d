//! option allow=sensitive
/* execsnoop on the exec tracepoint: the path is sensitive data. */
#pragma D option quiet
sched:sched_process_exec
{
	printf("%-6d %-6d %s\n", pid, args->old_pid, str(args->filename));
}
