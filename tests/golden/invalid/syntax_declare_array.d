int counts[10];
sched:sched_switch { @ = count(); }
