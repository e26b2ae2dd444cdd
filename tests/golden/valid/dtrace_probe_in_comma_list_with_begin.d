BEGIN, sched:sched_process_exit { @[probename] = count(); }
