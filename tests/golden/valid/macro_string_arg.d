//! arg "bash"
sched:sched_switch /args->prev_comm == $1/ { @[args->next_comm] = count(); }
