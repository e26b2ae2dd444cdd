sched:sched_process_exit { }
