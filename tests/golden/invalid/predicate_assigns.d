sched:sched_switch /x = 1/ { @ = count(); }
