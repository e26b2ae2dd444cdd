sched:sched_switch { if (args->prev_comm) { @ = count(); } }
