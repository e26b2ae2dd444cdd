sched:sched_switch /watched[args->next_pid]/ { @ = count(); }
sched:sched_wakeup { watched[args->pid] = 1; }
