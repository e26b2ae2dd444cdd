//! option bufsize=2t
sched:sched_switch { @ = count(); }
