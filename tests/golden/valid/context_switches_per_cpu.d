sched:sched_switch { @switches[cpu] = count(); }
tick-1s { printa(@switches); trunc(@switches); }
