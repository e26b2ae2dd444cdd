#pragma D option switchrate=10hz
sched:sched_switch { @ = count(); }
