sched:sched_switch { @ = count(); } #pragma D option quiet
