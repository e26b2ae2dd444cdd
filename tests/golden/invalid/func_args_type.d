sched:sched_switch { @[strlen(args->prev_pid)] = count(); }
