tracepoint:sched:sched_switch { @[kstack, comm] = count(); }
