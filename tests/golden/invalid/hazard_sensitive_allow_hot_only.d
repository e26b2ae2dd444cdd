//! option allow=hot
sched:sched_process_exec { @[comm] = count(); }
