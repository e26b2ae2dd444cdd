sched:sched_switch { @ = lquantize(args->prev_prio, 100, 0, 10); }
