sched:sched_switch { @[prevpid] = count(); }
