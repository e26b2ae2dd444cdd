//! option amin=Unstable
/* sched_stat_runtime is Unstable: -x amin=Unstable accepts it. */
sched:sched_stat_runtime { @runtime[args->comm] = sum(args->runtime); }
