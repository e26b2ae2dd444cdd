sched:sched_switch { @[foo->bar] = count(); }
