sched:sched_switch /args->prev_pid == 0 ^^ args->next_pid == 0/ { @ = count(); }
