syscalls:sys_exit_write /args->ret > 0/ { @bytes[execname] = sum(args->ret); }
