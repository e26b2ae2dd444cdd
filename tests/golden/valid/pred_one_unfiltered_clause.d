sched:sched_switch /args->prev_pid == 1/ { @a = count(); }
sched:sched_switch { @all = count(); }
