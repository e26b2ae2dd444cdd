#pragma D option quiet
#pragma D option bufsize=16m
#pragma D option strsize=128
#pragma D option aggsortkey
#pragma D option dynvarsize=1m
sched:sched_switch { @[args->prev_comm] = count(); }
