sched:sched_switch { last[cpu] = args->next_comm; }
sched:sched_wakeup /last[args->target_cpu] == args->comm/ { @same = count(); }
