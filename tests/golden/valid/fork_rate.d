sched:sched_process_fork { @forks[args->parent_comm] = count(); }
tick-5s { printa("%-16s %@d\n", @forks); clear(@forks); }
