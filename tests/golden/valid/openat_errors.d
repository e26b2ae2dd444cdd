syscalls:sys_exit_openat /args->ret < 0/ { @errno[execname, -args->ret] = count(); }
