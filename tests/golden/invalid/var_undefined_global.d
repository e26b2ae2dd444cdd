sched:sched_switch { @ = sum(total); }
