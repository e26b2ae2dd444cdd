sched:sched_wakeup /args->comm != "swapper/0"/ { @[args->comm] = count(); }
