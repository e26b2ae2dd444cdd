sched:sched_migrate_task /args->orig_cpu != args->dest_cpu/ { @[args->orig_cpu, args->dest_cpu] = count(); }
