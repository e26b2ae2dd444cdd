sched:sched_switch { @[curpsinfo->pr_psargs] = count(); }
