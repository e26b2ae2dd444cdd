tracepoint:sched:sched_switch { @[kstack(5)] = count(); }
