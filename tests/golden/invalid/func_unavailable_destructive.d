sched:sched_process_exit { system("echo %d", args->pid); }
