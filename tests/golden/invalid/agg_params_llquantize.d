sched:sched_switch { @ = llquantize(args->prev_prio, 1, 0, 6, 10); }
