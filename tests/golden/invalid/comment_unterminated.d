/* count switches
sched:sched_switch { @ = count(); }
