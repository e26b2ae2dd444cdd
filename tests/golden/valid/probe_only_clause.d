/* A clause with neither predicate nor body: DTrace's default action. */
sched:sched_process_exit
