sched:sched_stat_runtime { @[args->comm] = sum(args->runtime); }
