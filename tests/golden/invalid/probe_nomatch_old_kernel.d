//! kernel 6.1.0-56-amd64
sched:sched_prepare_exec { @ = count(); }
