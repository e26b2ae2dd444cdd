sched:sched_switch /args->prev_comm == "a\"b"/ { @ = count(); }
