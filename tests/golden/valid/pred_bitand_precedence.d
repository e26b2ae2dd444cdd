/* & binds more loosely than ==, as in C: this tests prev_state & (3 == 1). */
sched:sched_switch /args->prev_state & 3 == 1/ { @a = count(); }
sched:sched_wakeup /(args->prio & 3) == 1/ { @b = count(); }
