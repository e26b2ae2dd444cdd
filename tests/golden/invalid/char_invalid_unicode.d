sched:sched_switch { @[args->prev_comm] = count() × 2; }
