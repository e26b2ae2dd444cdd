sched:sched_switch /(args->prev_pid > 100 && args->prev_pid < 2000) || args->next_prio < 100/ { @ = count(); }
