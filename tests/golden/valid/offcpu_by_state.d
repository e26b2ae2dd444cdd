sched:sched_switch /args->prev_state != 0/ { @[args->prev_state] = count(); }
