/* Two clauses on one event: the kernel filter is the disjunction. */
sched:sched_switch /args->prev_pid == 1/ { @a = count(); }
sched:sched_switch /args->next_pid == 1/ { @b = count(); }
