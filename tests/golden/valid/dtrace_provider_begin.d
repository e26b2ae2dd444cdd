dtrace:::BEGIN { start = timestamp; }
sched:sched_switch { @ = count(); }
dtrace:::END { printf("%d ns\n", timestamp - start); printa(@); }
