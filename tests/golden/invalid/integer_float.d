sched:sched_switch { @ = sum(1.5); }
