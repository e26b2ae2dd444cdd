/* Where tasks block: the kernel stack at the switch-out, DTrace style. */
sched:sched_switch /args->prev_state == 2/ { @[stack()] = count(); }
END { printa("%k %@d\n", @); }
