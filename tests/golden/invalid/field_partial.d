sched:sched_switch, sched:sched_wakeup { @[args->prev_comm] = count(); }
