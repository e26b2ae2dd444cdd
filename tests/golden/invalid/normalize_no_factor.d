sched:sched_switch { @c = count(); }
tick-1s { normalize(@c); }
