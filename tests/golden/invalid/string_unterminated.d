sched:sched_switch { printf("%s\n, args->prev_comm); }
