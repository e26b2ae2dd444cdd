sched:sched_switch { @switches = count(); }
tick-1s { printa(@swtiches); }
