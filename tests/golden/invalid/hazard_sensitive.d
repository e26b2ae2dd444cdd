sched:sched_process_exec { printf("%s\n", str(args->filename)); }
