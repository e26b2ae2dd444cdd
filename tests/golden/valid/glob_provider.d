*:sched_switch { @ = count(); }
