sched:sched_switch { printf("%q\n", args->prev_pid); }
