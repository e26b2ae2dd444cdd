sched:sched_process_exit /!args->group_dead/ { @threads = count(); }
