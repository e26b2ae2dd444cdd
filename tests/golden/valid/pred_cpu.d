sched:sched_switch /cpu == 0/ { @[args->next_comm] = count(); }
