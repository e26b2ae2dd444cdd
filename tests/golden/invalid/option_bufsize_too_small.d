#pragma D option bufsize=100
sched:sched_switch { @ = count(); }
