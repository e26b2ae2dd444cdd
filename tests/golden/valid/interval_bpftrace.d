tracepoint:sched:sched_switch { @cs = count(); }
interval:s:1 { print(@cs); clear(@cs); }
