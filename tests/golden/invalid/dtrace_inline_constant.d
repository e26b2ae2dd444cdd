inline int LIMIT = 5;
sched:sched_switch /args->prev_pid > LIMIT/ { @ = count(); }
