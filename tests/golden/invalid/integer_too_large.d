sched:sched_switch /args->prev_pid == 99999999999999999999999/ { @ = count(); }
