sched:sched_switch { @[strupper(args->prev_comm)] = count(); }
