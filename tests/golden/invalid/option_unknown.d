#pragma D option destructive
sched:sched_switch { @ = count(); }
