#pragma D option amin=Unstable/Unstable/Common
sched:sched_stat_runtime /args->runtime > 1000000/ { @[args->pid] = count(); }
