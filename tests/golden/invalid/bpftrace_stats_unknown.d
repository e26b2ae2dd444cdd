tracepoint:sched:sched_switch { @prio = stats(args->prev_prio); }
