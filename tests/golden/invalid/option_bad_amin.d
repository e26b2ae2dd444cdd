#pragma D option amin=Rock/Solid/Common
sched:sched_switch { @ = count(); }
