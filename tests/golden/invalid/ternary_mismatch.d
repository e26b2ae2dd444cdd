sched:sched_switch { @[args->prev_pid > 0 ? args->prev_comm : 0] = count(); }
