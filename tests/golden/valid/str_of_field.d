sched:sched_switch { @[str(args->prev_comm)] = count(); }
