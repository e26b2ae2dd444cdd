/* One predicate over two events: each gets its own kernel filter. */
sched:sched_wakeup, sched:sched_wakeup_new /args->target_cpu == 1/ { @[probename] = count(); }
