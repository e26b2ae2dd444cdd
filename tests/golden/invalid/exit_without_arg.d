sched:sched_switch { exit(); }
