sched:sched_switch /args->next_pid == 0/ { @idle = count(); }
