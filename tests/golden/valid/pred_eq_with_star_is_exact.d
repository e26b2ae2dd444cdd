/* == compares exactly, in D and in the kernel: "bash*" is no pattern here (~ is). */
sched:sched_switch /args->prev_comm == "bash*"/ { @ = count(); }
