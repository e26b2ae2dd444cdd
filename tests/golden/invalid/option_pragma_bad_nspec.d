#pragma D option nspec=-1
sched:sched_switch { @ = count(); }
