sched:sched_switch { @[args->prev_comm] = count(); ` }
