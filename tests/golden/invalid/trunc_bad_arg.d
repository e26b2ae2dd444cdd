sched:sched_switch { @c = count(); }
tick-1s { trunc(@c, "ten"); }
