sched:sched_switch { n++; }
sched:sched_switch /n > 1000/ { exit(0); }
