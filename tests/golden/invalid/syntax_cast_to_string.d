sched:sched_switch { @[(string)args->prev_pid] = count(); }
