//! kernel 6.1.0-56-amd64
//! option amin=Obsolete
/* vruntime exists on 6.1 only, where the catalogue marks it Obsolete. */
sched:sched_stat_runtime { @vr[args->comm] = max(args->vruntime); }
