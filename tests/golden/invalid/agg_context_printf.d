sched:sched_switch { printf("%d\n", quantize(args->prev_pid)); }
