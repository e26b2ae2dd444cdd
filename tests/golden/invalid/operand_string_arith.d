sched:sched_switch { @ = sum(args->prev_comm + 1); }
