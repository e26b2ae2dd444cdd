tracepoint:sched:sched_switch { if (args->prev_pid == 1) @ = count(); }
