sched:sched_switch { 1 = 2; }
