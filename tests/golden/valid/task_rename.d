task:task_rename { printf("%d: %s -> %s\n", args->pid, args->oldcomm, args->newcomm); }
