sched:sched_switch /args->prev_pid ~ "1*"/ { @ = count(); }
