sched:sched_switch { @x[args->prev_comm] = count(); }
sched:sched_wakeup { @x[args->comm] = sum(args->prio); }
