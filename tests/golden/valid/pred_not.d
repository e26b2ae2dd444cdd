sched:sched_wakeup /!(args->prio >= 120)/ { @rt[args->comm] = count(); }
