sched:sched_switch { x = count(); }
