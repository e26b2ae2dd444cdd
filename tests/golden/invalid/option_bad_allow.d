//! option allow=everything
sched:sched_switch { @ = count(); }
