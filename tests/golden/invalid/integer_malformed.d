sched:sched_switch /args->prev_pid == 12abc/ { @ = count(); }
