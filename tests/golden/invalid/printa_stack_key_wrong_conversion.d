sched:sched_switch { @[stack()] = count(); }
END { printa("%s %@d\n", @); }
