BEGIN { printf("Tracing... Hit Ctrl-C to end.\n"); }
sched:sched_wakeup { @[args->comm] = count(); }
END { printa(@); }
