sched:sched_wakeup /args->prio == 'x'/ { @ = count(); }
