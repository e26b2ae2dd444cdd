tracepoint:sched:sched_switch { @[cgroup] = count(); }
