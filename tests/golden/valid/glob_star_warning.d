sched:sched_wak* { @[probename] = count(); }
