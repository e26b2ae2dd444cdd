sched:sched_switch { n++; }
tick-1s /n > 100/ { printf("%d switches\n", n); n = 0; }
