sched:sched_switch { printf("%s\q\n", args->prev_comm); }
