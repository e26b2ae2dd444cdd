int x;
int x;
sched:sched_switch { x = 1; }
