syscalls:sys_exit_read /0 > args->ret/ { @errors[args->ret] = count(); }
