task:task_newtask { printf("%s created pid %d flags %x\n", execname, args->pid, args->clone_flags); }
