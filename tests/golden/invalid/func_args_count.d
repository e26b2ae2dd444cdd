sched:sched_switch { @ = count(args->prev_pid); }
