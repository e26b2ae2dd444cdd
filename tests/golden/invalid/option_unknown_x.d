//! option flowindent
sched:sched_switch { @ = count(); }
