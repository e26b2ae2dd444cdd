sched:sched_switch { @ = lquantize(args->prev_prio, 0, args->next_prio, 10); }
