sched:sched_switch { fmt = "%d\n"; printf(fmt, args->prev_pid); }
