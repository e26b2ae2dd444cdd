sched:sched_wakeup /comm == "bash"/ { @[args->comm] = count(); }
