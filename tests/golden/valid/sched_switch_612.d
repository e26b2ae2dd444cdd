//! kernel 6.12.117+deb12-amd64
sched:sched_switch /args->prev_comm == "swapper/0"/ { @[args->next_comm] = count(); }
