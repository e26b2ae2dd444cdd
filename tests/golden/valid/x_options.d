//! option bufsize=8m
//! option nspec=8
//! option aggsortrev
sched:sched_wakeup { @[args->target_cpu] = count(); }
