sched:sched_wakeup /strlen(args->comm) > 10/ { @[args->comm] = count(); }
