sched:sched_switch { @[args->prev_pdi] = count(); }
