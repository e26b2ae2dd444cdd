/* A predicate must be followed by a clause body. */
sched:sched_process_exit /args->prio < 100/
