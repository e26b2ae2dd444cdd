sched:sched_switch { printf("%s %d\n", args->prev_comm); }
