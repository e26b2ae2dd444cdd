sched:sched_process_exit /args->pid == 1/ { stack(); }
