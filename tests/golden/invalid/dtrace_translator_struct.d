struct foo { int x; };
sched:sched_switch { @ = count(); }
