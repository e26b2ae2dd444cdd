sched:sched_switch /args->prev_comm == 1/ { @ = count(); }
