sched:sched_switch { printf("%d\n", args->prev_comm); }
