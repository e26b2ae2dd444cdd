#pragma D attributes Stable/Stable/Common foo
sched:sched_switch { @ = count(); }
