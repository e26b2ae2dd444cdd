sched:sched_switch { execname = "x"; }
