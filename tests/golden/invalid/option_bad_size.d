#pragma D option bufsize=lots
sched:sched_switch { @ = count(); }
