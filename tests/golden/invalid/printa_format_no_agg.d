sched:sched_switch { @c[args->prev_comm] = count(); }
END { printa("%s %d\n", @c); }
