//! kernel 6.1.0-56-amd64
//! option amin=Unstable
sched:sched_stat_runtime { @vr[args->comm] = max(args->vruntime); }
