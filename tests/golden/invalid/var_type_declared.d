string name;
sched:sched_switch { name = args->prev_pid; }
