sched:sched_switch { @[substr(args->prev_comm)] = count(); }
