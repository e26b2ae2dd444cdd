sched:sched_swtich { @ = count(); }
