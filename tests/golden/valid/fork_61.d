//! kernel 6.1.0-56-amd64
sched:sched_process_fork { @[args->parent_comm, args->child_comm] = count(); }
