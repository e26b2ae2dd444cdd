sched:sched_wakeup { @[stringof(args->comm)] = count(); }
