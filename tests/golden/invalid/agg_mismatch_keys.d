sched:sched_switch { @x[args->prev_comm] = count(); }
sched:sched_wakeup { @x[args->pid] = count(); }
