#pragma D option quiet
sched:sched_process_exit { printf("%Y %s\n", walltimestamp, args->comm); }
