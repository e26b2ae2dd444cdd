raw_syscalls:sys_enter { @[args->id] = count(); }
