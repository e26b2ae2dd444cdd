sched:sched_wakeup /args->comm ~ "kworker*"/ { @[args->target_cpu] = count(); }
