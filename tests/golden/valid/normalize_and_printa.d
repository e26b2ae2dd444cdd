sched:sched_switch { @cs[args->prev_comm] = count(); }
tick-10s { normalize(@cs, 10); printa(@cs); trunc(@cs); }
