sched:sched_switch { printf("%s\z\n", args->prev_comm); @ = sum(0x); ` }
