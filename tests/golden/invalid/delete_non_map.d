sched:sched_switch { x = 1; delete(x); }
