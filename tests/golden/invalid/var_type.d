sched:sched_switch { x = args->prev_comm; }
sched:sched_wakeup { x = args->pid; }
