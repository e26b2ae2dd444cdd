sched:sched_wakeup, sched:sched_wakeup_new, sched:sched_waking { @[probename, args->comm] = count(); }
