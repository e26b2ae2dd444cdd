sched:sched_switch /args->prev_comm == "sshd"/ { @[args->prev_state] = count(); }
