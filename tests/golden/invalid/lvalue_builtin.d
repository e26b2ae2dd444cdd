sched:sched_switch { pid = 1; }
